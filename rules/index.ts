// The rule registry: every rule prodcheck runs. A rule that is not implemented is not here.
import type { AnyRule } from '../src/core/types.js';
import asyncHandlerErrors from './async-handler-errors.js';
import logErrorWithStack from './log-error-with-stack.js';
import noConsoleLog from './no-console-log.js';
import noFloatingPromise from './no-floating-promise.js';
import noInMemorySession from './no-in-memory-session.js';
import noSensitiveDataInLogs from './no-sensitive-data-in-logs.js';
import requireHttpTimeout from './require-http-timeout.js';
import structuredLogMessage from './structured-log-message.js';

export const rules: AnyRule[] = [
  asyncHandlerErrors,
  logErrorWithStack,
  noConsoleLog,
  noFloatingPromise,
  noInMemorySession,
  noSensitiveDataInLogs,
  requireHttpTimeout,
  structuredLogMessage,
];

const byId = new Map(rules.map((r) => [r.id, r]));

export function getRule(id: string): AnyRule | undefined {
  return byId.get(id);
}
