// One file's module facts from source text, for the tests of the facts pass (no project, nothing resolves).
import { parseText } from '../../src/core/parse.js';
import { buildModuleFacts, type ModuleFacts } from '../../src/project/modules.js';

export function moduleFactsOf(path: string, code: string): ModuleFacts {
  const parsed = parseText(path, code);
  if (parsed.problem) throw new Error(parsed.problem);
  return buildModuleFacts(path, parsed.sourceFile, () => null);
}
