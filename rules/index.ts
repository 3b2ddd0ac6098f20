// The rule registry: every rule prodcheck runs. A rule that is not implemented is not here.
import type { AnyRule } from '../src/core/types.js';
import asyncHandlerErrors from './async-handler-errors.js';
import noCommittedSecrets from './no-committed-secrets.js';
import noConsoleLog from './no-console-log.js';
import noFloatingPromise from './no-floating-promise.js';
import noHardcodedSecret from './no-hardcoded-secret.js';
import noInMemorySession from './no-in-memory-session.js';
import requireHttpTimeout from './require-http-timeout.js';

export const rules: AnyRule[] = [
  asyncHandlerErrors,
  noCommittedSecrets,
  noConsoleLog,
  noFloatingPromise,
  noHardcodedSecret,
  noInMemorySession,
  requireHttpTimeout,
];

const byId = new Map(rules.map((r) => [r.id, r]));

export function getRule(id: string): AnyRule | undefined {
  return byId.get(id);
}
