// The rule registry: every rule prodcheck runs. A rule that is not implemented is not here.
import type { AnyRule } from '../src/core/types.js';
import asyncHandlerErrors from './async-handler-errors.js';
import corsSafeOrigin from './cors-safe-origin.js';
import noConsoleLog from './no-console-log.js';
import noFloatingPromise from './no-floating-promise.js';
import noInMemorySession from './no-in-memory-session.js';
import requireHttpTimeout from './require-http-timeout.js';
import requireSecurityHeaders from './require-security-headers.js';
import secureCookie from './secure-cookie.js';

export const rules: AnyRule[] = [
  asyncHandlerErrors,
  corsSafeOrigin,
  noConsoleLog,
  noFloatingPromise,
  noInMemorySession,
  requireHttpTimeout,
  requireSecurityHeaders,
  secureCookie,
];

const byId = new Map(rules.map((r) => [r.id, r]));

export function getRule(id: string): AnyRule | undefined {
  return byId.get(id);
}
