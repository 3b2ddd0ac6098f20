// Reading the JSON files a filter is given (a baseline, a base report): one-line errors that name
// the flag, the file and what is wrong with it.
import { readFileSync } from 'node:fs';
import { UsageError } from '../config/errors.js';

/** Parses the JSON file `path` given to `flag`; `missing` words the error for a file that does not exist. */
export function readJsonInput(path: string, flag: string, missing: (path: string) => string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`${flag}: ${missing(path)}`);
    throw new UsageError(`${flag}: cannot read ${path}${code ? ` (${code})` : ''}`);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  } catch (err) {
    throw new UsageError(`${flag}: ${path} is not valid JSON (${(err as Error).message})`);
  }
}
