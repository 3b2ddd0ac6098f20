// Finds and reads the configuration: `--config FILE`, else `prodcheck.config.json` (JSONC) at the
// scanned root, else the "prodcheck" key of its package.json, else the defaults. Configuration is
// data only: prodcheck never runs a JavaScript config file from the repository it scans.
import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { rules as registry } from '../../rules/index.js';
import { UsageError } from './errors.js';
import { EMPTY_CONFIG, type ResolvedConfig } from './types.js';
import { validateConfig } from './validate.js';

export const CONFIG_FILE = 'prodcheck.config.json';

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${(before.at(-1)?.length ?? 0) + 1}`;
}

function readJsonc(path: string, shown: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read config ${shown}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (first) throw new UsageError(`${shown}: invalid JSON at ${lineColumn(text, first.offset)} (${printParseErrorCode(first.error)})`);
  return value;
}

export interface LoadConfigOptions {
  /** The scanned root. */
  root: string;
  /** An explicit config file (`--config`), relative to the working directory. */
  configFile?: string;
}

export function loadConfig(options: LoadConfigOptions): ResolvedConfig {
  if (options.configFile !== undefined) {
    const path = resolve(options.configFile);
    if (!existsSync(path)) throw new UsageError(`config file not found: ${options.configFile}`);
    return validateConfig(readJsonc(path, options.configFile), options.configFile, registry);
  }
  const root = resolve(options.root);
  const file = resolve(root, CONFIG_FILE);
  if (existsSync(file)) {
    const shown = relative(process.cwd(), file) || CONFIG_FILE;
    return validateConfig(readJsonc(file, shown), shown, registry);
  }
  const pkgPath = resolve(root, 'package.json');
  if (existsSync(pkgPath)) {
    let pkg: unknown;
    try {
      pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
    } catch {
      // A broken package.json is reported by the project facts; it just holds no configuration.
      return EMPTY_CONFIG;
    }
    if (typeof pkg === 'object' && pkg !== null && 'prodcheck' in pkg) {
      return validateConfig((pkg as Record<string, unknown>).prodcheck, 'package.json#prodcheck', registry);
    }
  }
  return EMPTY_CONFIG;
}
