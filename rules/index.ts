// The rule registry: every rule prodcheck runs. A rule that is not implemented is not here.
import type { AnyRule } from '../src/core/types.js';
import asyncHandlerErrors from './async-handler-errors.js';
import corsSafeOrigin from './cors-safe-origin.js';
import dockerInstallPractice from './docker-install-practice.js';
import dockerNonRoot from './docker-non-root.js';
import dockerPinnedBase from './docker-pinned-base.js';
import dockerSignalHandling from './docker-signal-handling.js';
import jwtSafeVerify from './jwt-safe-verify.js';
import logErrorWithStack from './log-error-with-stack.js';
import noCircularImport from './no-circular-import.js';
import noCommandInjection from './no-command-injection.js';
import noCommittedSecrets from './no-committed-secrets.js';
import noConsoleLog from './no-console-log.js';
import noDbInHandler from './no-db-in-handler.js';
import noEval from './no-eval.js';
import noFloatingPromise from './no-floating-promise.js';
import noGodFile from './no-god-file.js';
import noHardcodedSecret from './no-hardcoded-secret.js';
import noInMemoryRateLimit from './no-in-memory-rate-limit.js';
import noInMemorySession from './no-in-memory-session.js';
import noInProcessScheduler from './no-in-process-scheduler.js';
import noInsecureRandom from './no-insecure-random.js';
import noLocalFileStorage from './no-local-file-storage.js';
import noModuleStateInHandler from './no-module-state-in-handler.js';
import noNosqlInjection from './no-nosql-injection.js';
import noOpenRedirect from './no-open-redirect.js';
import noPathTraversal from './no-path-traversal.js';
import noReflectedXss from './no-reflected-xss.js';
import noScatteredEnv from './no-scattered-env.js';
import noSensitiveDataInLogs from './no-sensitive-data-in-logs.js';
import noSqlInjection from './no-sql-injection.js';
import noSsrf from './no-ssrf.js';
import noSwallowedError from './no-swallowed-error.js';
import noSyncInHandler from './no-sync-in-handler.js';
import noTlsBypass from './no-tls-bypass.js';
import noWeakHash from './no-weak-hash.js';
import requireCi from './require-ci.js';
import requireDbTimeout from './require-db-timeout.js';
import requireEngines from './require-engines.js';
import requireGracefulShutdown from './require-graceful-shutdown.js';
import requireHealthEndpoint from './require-health-endpoint.js';
import requireHttpTimeout from './require-http-timeout.js';
import requireInputValidation from './require-input-validation.js';
import requireLockfile from './require-lockfile.js';
import requireProcessErrorHandlers from './require-process-error-handlers.js';
import requireSecurityHeaders from './require-security-headers.js';
import requireSocketioAdapter from './require-socketio-adapter.js';
import requireStrictTypescript from './require-strict-typescript.js';
import requireStructuredLogger from './require-structured-logger.js';
import requireTelemetry from './require-telemetry.js';
import requireTests from './require-tests.js';
import secureCookie from './secure-cookie.js';
import structuredLogMessage from './structured-log-message.js';

export const rules: AnyRule[] = [
  asyncHandlerErrors,
  corsSafeOrigin,
  dockerInstallPractice,
  dockerNonRoot,
  dockerPinnedBase,
  dockerSignalHandling,
  jwtSafeVerify,
  logErrorWithStack,
  noCircularImport,
  noCommandInjection,
  noCommittedSecrets,
  noConsoleLog,
  noDbInHandler,
  noEval,
  noFloatingPromise,
  noGodFile,
  noHardcodedSecret,
  noInMemoryRateLimit,
  noInMemorySession,
  noInProcessScheduler,
  noInsecureRandom,
  noLocalFileStorage,
  noModuleStateInHandler,
  noNosqlInjection,
  noOpenRedirect,
  noPathTraversal,
  noReflectedXss,
  noScatteredEnv,
  noSensitiveDataInLogs,
  noSqlInjection,
  noSsrf,
  noSwallowedError,
  noSyncInHandler,
  noTlsBypass,
  noWeakHash,
  requireCi,
  requireDbTimeout,
  requireEngines,
  requireGracefulShutdown,
  requireHealthEndpoint,
  requireHttpTimeout,
  requireInputValidation,
  requireLockfile,
  requireProcessErrorHandlers,
  requireSecurityHeaders,
  requireSocketioAdapter,
  requireStrictTypescript,
  requireStructuredLogger,
  requireTelemetry,
  requireTests,
  secureCookie,
  structuredLogMessage,
];

const byId = new Map(rules.map((r) => [r.id, r]));

export function getRule(id: string): AnyRule | undefined {
  return byId.get(id);
}
