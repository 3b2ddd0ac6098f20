// The rule registry: every rule prodcheck runs. A rule that is not implemented is not here.
import type { AnyRule } from '../src/core/types.js';
import asyncHandlerErrors from './async-handler-errors.js';
import corsSafeOrigin from './cors-safe-origin.js';
import jwtSafeVerify from './jwt-safe-verify.js';
import noCircularImport from './no-circular-import.js';
import noConsoleLog from './no-console-log.js';
import noDbInHandler from './no-db-in-handler.js';
import noEval from './no-eval.js';
import noFloatingPromise from './no-floating-promise.js';
import noGodFile from './no-god-file.js';
import noInMemorySession from './no-in-memory-session.js';
import noInProcessScheduler from './no-in-process-scheduler.js';
import noInsecureRandom from './no-insecure-random.js';
import noLocalFileStorage from './no-local-file-storage.js';
import noModuleStateInHandler from './no-module-state-in-handler.js';
import noScatteredEnv from './no-scattered-env.js';
import noSwallowedError from './no-swallowed-error.js';
import noSyncInHandler from './no-sync-in-handler.js';
import noTlsBypass from './no-tls-bypass.js';
import noWeakHash from './no-weak-hash.js';
import requireHttpTimeout from './require-http-timeout.js';
import requireInputValidation from './require-input-validation.js';
import requireSecurityHeaders from './require-security-headers.js';
import requireStrictTypescript from './require-strict-typescript.js';
import secureCookie from './secure-cookie.js';

export const rules: AnyRule[] = [
  asyncHandlerErrors,
  corsSafeOrigin,
  jwtSafeVerify,
  noCircularImport,
  noConsoleLog,
  noDbInHandler,
  noEval,
  noFloatingPromise,
  noGodFile,
  noInMemorySession,
  noInProcessScheduler,
  noInsecureRandom,
  noLocalFileStorage,
  noModuleStateInHandler,
  noScatteredEnv,
  noSwallowedError,
  noSyncInHandler,
  noTlsBypass,
  noWeakHash,
  requireHttpTimeout,
  requireInputValidation,
  requireSecurityHeaders,
  requireStrictTypescript,
  secureCookie,
];

const byId = new Map(rules.map((r) => [r.id, r]));

export function getRule(id: string): AnyRule | undefined {
  return byId.get(id);
}
