// Configuration: where it is found, what it may say, and one-line errors that name the key.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from './support/fixtures.js';
import { UsageError } from '../src/config/errors.js';
import { loadConfig } from '../src/config/load.js';
import { validateConfig } from '../src/config/validate.js';
import { rules } from '../rules/index.js';


function errorOf(raw: unknown): string {
  try {
    validateConfig(raw, 'prodcheck.config.json', rules);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('validateConfig', () => {
  it('resolves severities, off, options, ignores, overrides and thresholds', () => {
    const config = validateConfig(
      {
        rules: { 'no-console-log': ['low', { allow: ['warn'] }], 'no-in-memory-session': 'off' },
        ignores: ['scripts/**'],
        overrides: [{ files: ['src/cli/**'], rules: { 'no-console-log': 'off' } }],
        thresholds: { minScore: 75, failOn: 'high' },
      },
      'prodcheck.config.json',
      rules,
    );
    expect(config).toEqual({
      rules: { 'no-console-log': { severity: 'low', options: { allow: ['warn'] } }, 'no-in-memory-session': 'off' },
      ignores: ['scripts/**'],
      overrides: [{ files: ['src/cli/**'], rules: { 'no-console-log': 'off' } }],
      thresholds: { minScore: 75, failOn: 'high' },
      source: 'prodcheck.config.json',
    });
  });

  it('names the key and the allowed values in every error', () => {
    expect(errorOf({ rule: {} })).toBe('prodcheck.config.json: unknown key "rule" (allowed: "rules", "ignores", "overrides", "thresholds")');
    expect(errorOf({ rules: { 'no-console-logs': 'high' } })).toBe(
      'prodcheck.config.json: rules has an unknown rule "no-console-logs" (did you mean "no-console-log"?); `prodcheck rules` lists them',
    );
    expect(errorOf({ rules: { 'no-console-log': 'error' } })).toBe(
      'prodcheck.config.json: rules["no-console-log"] must be "off", "critical", "high", "medium", "low" or [severity, options], got "error"',
    );
    expect(errorOf({ rules: { 'no-console-log': ['medium', { allow: ['print'] }] } })).toBe(
      'prodcheck.config.json: rules["no-console-log"][1].allow[0] must be one of "log", "info", "warn", "error", "debug", "trace"',
    );
    expect(errorOf({ rules: { 'no-console-log': ['medium', { allowed: [] }] } })).toBe('prodcheck.config.json: rules["no-console-log"][1] has an unknown option "allowed"');
    expect(errorOf({ rules: { 'no-in-memory-session': ['high', { strict: true }] } })).toBe(
      'prodcheck.config.json: rules["no-in-memory-session"][1] has options, but no-in-memory-session takes none',
    );
    expect(errorOf({ ignores: 'dist' })).toBe('prodcheck.config.json: ignores must be an array of glob strings, got "dist"');
    expect(errorOf({ overrides: [{ rules: {} }] })).toBe('prodcheck.config.json: overrides[0].files is required (an array of globs)');
    expect(errorOf({ thresholds: { minScore: 120 } })).toBe('prodcheck.config.json: thresholds.minScore must be a number from 0 to 100, got 120');
    expect(errorOf({ thresholds: { failOn: 'error' } })).toBe(
      'prodcheck.config.json: thresholds.failOn must be one of "critical", "high", "medium", "low", "none", got "error"',
    );
    expect(errorOf([])).toBe('prodcheck.config.json: the configuration must be an object, got []');
  });
});

describe('loadConfig', () => {
  it('reads prodcheck.config.json with comments and trailing commas', () => {
    const root = writeProject({ 'prodcheck.config.json': '{\n  // CLI scripts print on purpose\n  "ignores": ["bin/**"],\n}\n' });
    expect(loadConfig({ root }).ignores).toEqual(['bin/**']);
  });

  it('falls back to package.json#prodcheck, then to the defaults', () => {
    const withKey = writeProject({ 'package.json': JSON.stringify({ name: 'api', prodcheck: { thresholds: { failOn: 'critical' } } }) });
    expect(loadConfig({ root: withKey }).thresholds).toEqual({ minScore: null, failOn: 'critical' });
    expect(loadConfig({ root: withKey }).source).toBe('package.json#prodcheck');
    expect(loadConfig({ root: writeProject({ 'package.json': '{"name":"api"}' }) }).source).toBeNull();
  });

  it('reports invalid JSON with its position, and a missing --config file', () => {
    const root = writeProject({ 'prodcheck.config.json': '{\n  "rules": {\n    "no-console-log": "off"\n  \n' });
    expect(() => loadConfig({ root })).toThrow(/prodcheck\.config\.json: invalid JSON at 5:1 \(CloseBraceExpected\)$/);
    expect(() => loadConfig({ root, configFile: join(root, 'nope.json') })).toThrow(`config file not found: ${join(root, 'nope.json')}`);
  });
});
