// The test runner's configuration: the repository root, the tests under test/, and the published
// entry point `prodcheck/eslint-plugin` mapped to its source, so that the example project's own
// eslint.config.js (which imports it the way a user's does) runs against the code under test.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  resolve: { alias: { 'prodcheck/eslint-plugin': fileURLToPath(new URL('../src/eslint/index.ts', import.meta.url)) } },
  test: { dir: 'test' },
});
