// The rule registry: every rule prodcheck runs. A rule that is not implemented is not here.
import type { AnyRule } from '../src/core/types.js';
import asyncHandlerErrors from './async-handler-errors.js';
import noConsoleLog from './no-console-log.js';
import noFloatingPromise from './no-floating-promise.js';
import noInMemorySession from './no-in-memory-session.js';
import noInProcessScheduler from './no-in-process-scheduler.js';
import noSwallowedError from './no-swallowed-error.js';
import requireHttpTimeout from './require-http-timeout.js';

export const rules: AnyRule[] = [asyncHandlerErrors, noConsoleLog, noFloatingPromise, noInMemorySession, noInProcessScheduler, noSwallowedError, requireHttpTimeout];

const byId = new Map(rules.map((r) => [r.id, r]));

export function getRule(id: string): AnyRule | undefined {
  return byId.get(id);
}
