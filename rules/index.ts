// The rule registry: every rule prodcheck runs. A rule that is not implemented is not here.
import type { AnyRule } from '../src/core/types.js';
import asyncHandlerErrors from './async-handler-errors.js';
import noConsoleLog from './no-console-log.js';
import noFloatingPromise from './no-floating-promise.js';
import noInMemorySession from './no-in-memory-session.js';
import requireHealthEndpoint from './require-health-endpoint.js';
import requireHttpTimeout from './require-http-timeout.js';
import requireStructuredLogger from './require-structured-logger.js';
import requireTelemetry from './require-telemetry.js';

export const rules: AnyRule[] = [asyncHandlerErrors, noConsoleLog, noFloatingPromise, noInMemorySession, requireHealthEndpoint, requireHttpTimeout, requireStructuredLogger, requireTelemetry];

const byId = new Map(rules.map((r) => [r.id, r]));

export function getRule(id: string): AnyRule | undefined {
  return byId.get(id);
}
