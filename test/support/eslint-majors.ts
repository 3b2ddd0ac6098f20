// The two ESLint majors the plugin supports, for tests that run against both: ESLint 9 (`eslint`)
// and ESLint 10 (the dev dependency alias `eslint-v10`). Each entry is the package's own module.
import * as eslint9 from 'eslint';
import * as eslint10 from 'eslint-v10';

export interface EslintMajor {
  label: string;
  ESLint: typeof eslint9.ESLint;
  Linter: typeof eslint9.Linter;
}

export const ESLINT_MAJORS: readonly EslintMajor[] = [
  { label: `ESLint ${eslint9.ESLint.version}`, ESLint: eslint9.ESLint, Linter: eslint9.Linter },
  { label: `ESLint ${eslint10.ESLint.version}`, ESLint: eslint10.ESLint as unknown as typeof eslint9.ESLint, Linter: eslint10.Linter as unknown as typeof eslint9.Linter },
];
