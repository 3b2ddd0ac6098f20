// Evidence collectors: small observers that ride along the facts pass's single walk of each file
// and record what a project rule later judges (process handlers at an entry point, health routes,
// logger set-ups). A collector sees every node once, never walks the tree itself, and writes one
// field of `ModuleEvidence`. Project rules read `facts.modules.get(file).evidence`.
import type { ts } from 'ts-morph';
import type { ScopeIndex } from '../../core/scope.js';
import type { Reference } from '../../core/types.js';
import { envCollector, type EnvEvidence } from './env.js';
import { eventListenersCollector } from './event-listeners.js';
import { expressParamsCollector, type ExpressParamsEvidence } from './express-params.js';
import { collectFrameworkLoggers, type FrameworkLoggersEvidence } from './framework-loggers.js';
import { mongoInputCollector, type MongoInputEvidence } from './mongo-input.js';
import { createObservabilityCollector, type ObservabilityEvidence } from './observability.js';
import { pgTimeouts } from './pg-timeouts.js';
import { processLifecycleCollector, type ProcessLifecycleEvidence } from './process-lifecycle.js';
import { securityHeadersCollector, type SecurityHeadersEvidence } from './security-headers.js';
import { socketIoCollector, type SocketIoEvidence } from './socketio.js';
import { validationCollector, type ValidationEvidence } from './validation.js';

export interface EvidenceContext {
  sourceFile: ts.SourceFile;
  scope: ScopeIndex;
  /** Where an expression's value comes from (import, require, global, local), as in the rules' helpers. */
  referenceOf(expr: ts.Expression): Reference | null;
  /** Resolves an import specifier of this file to a project file, or null for a package. */
  resolveSpecifier(specifier: string): string | null;
  /** 1-based line and column of a node's start. */
  position(node: ts.Node): { line: number; column: number };
}

export interface EvidenceCollector {
  /**
   * The node kinds `visit` acts on. The walk calls `visit` for those kinds only (a collector that
   * omits this sees every node): with eight collectors on every node of every file, a call per node
   * and collector is a large share of the facts pass.
   */
  readonly kinds?: readonly ts.SyntaxKind[];
  /** Called for every node of the file (of `kinds`, when given), parents before children. */
  visit(node: ts.Node): void;
  /** Called once after the walk: write this collector's field. */
  finish(evidence: ModuleEvidence): void;
}

export type CollectorFactory = (context: EvidenceContext) => EvidenceCollector;

/** One field per collector (each written by the collector in the file of the same name). */
export interface ModuleEvidence {
  env: EnvEvidence;
  /** A listener whose error reaches the injected EventEmitter2's `emitAsync`: `suppressErrors: false`, or `this.events.on(…)` (no-floating-promise). */
  eventListenersRethrow: boolean;
  /** Calls passing an Express app/Router (or a parameter) to another project file, and parameters routes are registered on. */
  expressParams: ExpressParamsEvidence;
  frameworkLoggers: FrameworkLoggersEvidence;
  /** How query strings are parsed and whether Mongo operators are stripped from input (no-nosql-injection). */
  mongoInput: MongoInputEvidence;
  observability: ObservabilityEvidence;
  pgTimeoutSet: boolean;
  processLifecycle: ProcessLifecycleEvidence;
  securityHeaders: SecurityHeadersEvidence;
  socketIo: SocketIoEvidence;
  validation: ValidationEvidence;
}

/** Every collector, in a fixed order. */
export const COLLECTORS: readonly CollectorFactory[] = [envCollector, eventListenersCollector, expressParamsCollector, collectFrameworkLoggers, mongoInputCollector, createObservabilityCollector, pgTimeouts, processLifecycleCollector, securityHeadersCollector, socketIoCollector, validationCollector];
