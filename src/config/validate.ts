// Validates a configuration object as written by a user and turns it into a ResolvedConfig.
// Every error names the key that is wrong and the values that are allowed.
import type { ErrorObject, ValidateFunction } from 'ajv';
import { lazyRequire } from '../core/lazy.js';
import type { AnyRule, Severity } from '../core/types.js';
import { SEVERITIES } from '../core/types.js';
import { UsageError } from './errors.js';
import type { ConfigOverride, ResolvedConfig, RuleSetting } from './types.js';

const TOP_LEVEL_KEYS = ['rules', 'ignores', 'overrides', 'thresholds'] as const;
const FAIL_ON = [...SEVERITIES, 'none'] as const;

const ajvModule = lazyRequire<typeof import('ajv')>('ajv');
let ajv: InstanceType<(typeof import('ajv'))['Ajv']> | undefined;
const validators = new WeakMap<AnyRule, ValidateFunction>();

function optionsValidator(rule: AnyRule): ValidateFunction | null {
  if (!rule.optionsSchema) return null;
  let v = validators.get(rule);
  if (!v) {
    ajv ??= new (ajvModule().Ajv)({ allErrors: false, strict: false });
    v = ajv.compile(rule.optionsSchema);
    validators.set(rule, v);
  }
  return v;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

function list(values: readonly string[]): string {
  return values.map((v) => `"${v}"`).join(', ');
}

/** The closest known id, for "did you mean" (edit distance at most 3). */
function closest(name: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = 4;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] ?? 0;
      row[j] = Math.min(current + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = current;
    }
  }
  return row[b.length] ?? 0;
}

function optionsError(key: string, error: ErrorObject): string {
  const at = `${key}${error.instancePath.replace(/\/(\d+)/g, '[$1]').replace(/\//g, '.')}`;
  if (error.keyword === 'enum') {
    return `${at} must be one of ${list((error.params as { allowedValues: unknown[] }).allowedValues.map(String))}`;
  }
  if (error.keyword === 'additionalProperties') {
    return `${at} has an unknown option "${(error.params as { additionalProperty: string }).additionalProperty}"`;
  }
  return `${at} ${error.message ?? 'is invalid'}`;
}

function ruleSetting(key: string, value: unknown, rule: AnyRule): RuleSetting {
  const allowed = `"off", ${list(SEVERITIES)} or [severity, options]`;
  let severity: unknown = value;
  let options: unknown = {};
  if (Array.isArray(value)) {
    if (value.length === 0 || value.length > 2) throw new UsageError(`${key} must be ${allowed}, got ${describe(value)}`);
    severity = value[0];
    options = value[1] ?? {};
  }
  if (severity === 'off') return 'off';
  if (typeof severity !== 'string' || !(SEVERITIES as readonly string[]).includes(severity)) {
    throw new UsageError(`${key} must be ${allowed}, got ${describe(severity)}`);
  }
  if (!isPlainObject(options)) throw new UsageError(`${key}[1] (the options) must be an object, got ${describe(options)}`);
  const validate = optionsValidator(rule);
  if (validate === null && Object.keys(options).length > 0) {
    throw new UsageError(`${key}[1] has options, but ${rule.id} takes none`);
  }
  if (validate && !validate(options)) {
    const first = validate.errors?.[0];
    throw new UsageError(first ? optionsError(`${key}[1]`, first) : `${key}[1] is invalid`);
  }
  return { severity: severity as Severity, options };
}

function rulesSection(key: string, value: unknown, registry: readonly AnyRule[]): Record<string, RuleSetting> {
  if (!isPlainObject(value)) throw new UsageError(`${key} must be an object of rule ids, got ${describe(value)}`);
  const out: Record<string, RuleSetting> = {};
  const ids = registry.map((r) => r.id);
  for (const [id, setting] of Object.entries(value)) {
    const rule = registry.find((r) => r.id === id);
    if (!rule) {
      const guess = closest(id, ids);
      throw new UsageError(`${key} has an unknown rule "${id}"${guess ? ` (did you mean "${guess}"?)` : ''}; \`prodcheck rules\` lists them`);
    }
    out[id] = ruleSetting(`${key}["${id}"]`, setting, rule);
  }
  return out;
}

function globs(key: string, value: unknown): string[] {
  if (!Array.isArray(value) || value.some((g) => typeof g !== 'string' || g.length === 0)) {
    throw new UsageError(`${key} must be an array of glob strings, got ${describe(value)}`);
  }
  return value as string[];
}

/**
 * Checks a configuration object and resolves it. `where` names its source in messages
 * (`prodcheck.config.json`, `package.json#prodcheck`).
 */
export function validateConfig(raw: unknown, where: string, registry: readonly AnyRule[]): ResolvedConfig {
  if (!isPlainObject(raw)) throw new UsageError(`${where}: the configuration must be an object, got ${describe(raw)}`);
  try {
    for (const key of Object.keys(raw)) {
      if (!(TOP_LEVEL_KEYS as readonly string[]).includes(key)) {
        throw new UsageError(`unknown key "${key}" (allowed: ${list(TOP_LEVEL_KEYS)})`);
      }
    }
    const rules = raw.rules === undefined ? {} : rulesSection('rules', raw.rules, registry);
    const ignores = raw.ignores === undefined ? [] : globs('ignores', raw.ignores);
    const overrides: ConfigOverride[] = [];
    if (raw.overrides !== undefined) {
      if (!Array.isArray(raw.overrides)) throw new UsageError(`overrides must be an array of { files, rules }, got ${describe(raw.overrides)}`);
      raw.overrides.forEach((o: unknown, i) => {
        const key = `overrides[${i}]`;
        if (!isPlainObject(o)) throw new UsageError(`${key} must be an object { files, rules }, got ${describe(o)}`);
        for (const k of Object.keys(o)) {
          if (k !== 'files' && k !== 'rules') throw new UsageError(`${key} has an unknown key "${k}" (allowed: "files", "rules")`);
        }
        if (o.files === undefined) throw new UsageError(`${key}.files is required (an array of globs)`);
        overrides.push({ files: globs(`${key}.files`, o.files), rules: o.rules === undefined ? {} : rulesSection(`${key}.rules`, o.rules, registry) });
      });
    }
    const thresholds: ResolvedConfig['thresholds'] = { minScore: null, failOn: null };
    if (raw.thresholds !== undefined) {
      const t = raw.thresholds;
      if (!isPlainObject(t)) throw new UsageError(`thresholds must be an object { minScore, failOn }, got ${describe(t)}`);
      for (const k of Object.keys(t)) {
        if (k !== 'minScore' && k !== 'failOn') throw new UsageError(`thresholds has an unknown key "${k}" (allowed: "minScore", "failOn")`);
      }
      if (t.minScore !== undefined) {
        if (typeof t.minScore !== 'number' || !Number.isFinite(t.minScore) || t.minScore < 0 || t.minScore > 100) {
          throw new UsageError(`thresholds.minScore must be a number from 0 to 100, got ${describe(t.minScore)}`);
        }
        thresholds.minScore = t.minScore;
      }
      if (t.failOn !== undefined) {
        if (typeof t.failOn !== 'string' || !(FAIL_ON as readonly string[]).includes(t.failOn)) {
          throw new UsageError(`thresholds.failOn must be one of ${list(FAIL_ON)}, got ${describe(t.failOn)}`);
        }
        thresholds.failOn = t.failOn as ResolvedConfig['thresholds']['failOn'];
      }
    }
    return { rules, ignores, overrides, thresholds, source: where };
  } catch (err) {
    if (err instanceof UsageError) throw new UsageError(`${where}: ${err.message}`);
    throw err;
  }
}
