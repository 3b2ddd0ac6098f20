// Keys of the per-file cache: what every cached file's results depend on besides its content and
// its reads (prodcheck's build and the whole configuration), and what one file was checked as.
import { hashBytes } from '../core/files.js';
import type { ResolvedConfig } from '../config/types.js';
import type { FileRole } from '../core/types.js';
import { rulesFor } from '../rules-for.js';
import { VERSION } from '../version.js';
import { codeFingerprint } from './code.js';

/** The cache's key: prodcheck's version and code, and the resolved configuration. */
export function fileCacheKey(config: ResolvedConfig): string {
  return hashBytes(JSON.stringify([VERSION, codeFingerprint(), config]));
}

/** A hash of the file rules' settings, by which overrides apply (most files share one), per configuration. */
const rulesByOverrides = new WeakMap<ResolvedConfig, Map<string, string>>();

/**
 * What a file was checked as: its roles and the rules on for it (ids, severities, options), the
 * latter as a hash shared by the files the same overrides apply to. The file itself is the cache
 * entry this is stored in: its path is not part of it (nor hashed for each file).
 */
export function fileContext(relPath: string, config: ResolvedConfig, overrideMatchers: Array<(p: string) => boolean>, roles: ReadonlySet<FileRole>): string {
  let known = rulesByOverrides.get(config);
  if (!known) rulesByOverrides.set(config, (known = new Map()));
  // The rules on for a file depend on its path only through the overrides that match it.
  const applying = overrideMatchers.map((matches) => (matches(relPath) ? '1' : '0')).join('');
  let rules = known.get(applying);
  if (rules === undefined) {
    rules = hashBytes(
      JSON.stringify(
        rulesFor(relPath, config, overrideMatchers)
          .filter((e) => e.rule.scope === 'file')
          .map((e) => [e.rule.id, e.severity, e.options]),
      ),
    );
    known.set(applying, rules);
  }
  return `${rules} ${[...roles].sort().join(' ')}`;
}
