import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf, writeProject } from '../support/fixtures.js';

const RULE = 'require-strict-typescript';
const lax = 'so the compiler lets nulls and untyped values through';
const server = "export const port = Number(process.env.PORT ?? 3000);\n";

describe(RULE, () => {
  it('flags a tsconfig.json (JSONC) without `strict`, at its compilerOptions', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'no-strict-option');
    expect(await findingsOf(RULE, dir)).toEqual([
      { file: 'tsconfig.json', line: 3, column: 3, message: `tsconfig.json does not enable \`strict\`: all strict checks are off, ${lax} — set \`"strict": true\` in compilerOptions` },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('points at `"strict": false`', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'strict-false'));
    expect(found.map((f) => `${f.file}:${f.line}:${f.column}`)).toEqual(['tsconfig.json:5:5']);
  });

  it('flags strict flags turned back off after `strict: true`', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'strict-turned-back-off'))).toEqual([
      {
        file: 'tsconfig.json',
        line: 8,
        column: 5,
        message: `tsconfig.json enables \`strict\` but turns \`noImplicitAny\`, \`strictNullChecks\` back off, ${lax} — remove the override and fix what the compiler then reports`,
      },
    ]);
  });

  it('names the strict flags a config sets one by one but misses', async () => {
    const [finding] = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'some-flags-set-one-by-one'));
    expect(finding?.message).toBe(
      `tsconfig.json does not enable \`strict\`: \`strictFunctionTypes\`, \`strictBindCallApply\`, \`strictPropertyInitialization\`, \`noImplicitThis\`, \`alwaysStrict\` are off, ${lax} — set \`"strict": true\` in compilerOptions`,
    );
  });

  it('reports each package whose tsconfig extends a lax shared base, naming the base', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'packages-inherit-a-lax-base');
    const message = (pkg: string) =>
      `packages/${pkg}/tsconfig.json does not enable \`strict\` (inherited from tsconfig.base.json): \`noImplicitAny\`, \`strictFunctionTypes\`, \`strictBindCallApply\`, \`strictPropertyInitialization\`, \`alwaysStrict\` are off, ${lax} — set \`"strict": true\` in compilerOptions of tsconfig.base.json or of this file`;
    expect(await findingsOf(RULE, dir)).toEqual([
      { file: 'packages/api/tsconfig.json', line: 3, column: 3, message: message('api') },
      { file: 'packages/shared/tsconfig.json', line: 2, column: 3, message: message('shared') },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(2);
  });

  it('judges the projects a solution config references (not its test project)', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'solution-config-references-a-lax-app'))).toEqual([
      {
        file: 'tsconfig.app.json',
        line: 3,
        column: 3,
        message: `tsconfig.app.json does not enable \`strict\`: all strict checks are off, ${lax} — set \`"strict": true\` in compilerOptions`,
      },
    ]);
  });

  it('follows `extends` into an installed package config', async () => {
    const strictBase = writeProject({
      'tsconfig.json': '{ "extends": "@tsconfig/strictest/tsconfig.json", "compilerOptions": { "outDir": "dist" } }',
      'node_modules/@tsconfig/strictest/tsconfig.json': '{ "compilerOptions": { "strict": true, "noUncheckedIndexedAccess": true } }',
      'src/server.ts': server,
    });
    expect(await findingsOf(RULE, strictBase)).toEqual([]);
    expect(await sitesOf(RULE, strictBase)).toBe(1);
    const laxBase = writeProject({
      'tsconfig.json': '{\n  "extends": "@tsconfig/node20"\n}\n',
      'node_modules/@tsconfig/node20/package.json': '{ "name": "@tsconfig/node20", "tsconfig": "base.json" }',
      'node_modules/@tsconfig/node20/base.json': '{ "compilerOptions": { "strict": false, "target": "es2022" } }',
      'src/server.ts': server,
    });
    expect(await findingsOf(RULE, laxBase)).toEqual([
      {
        file: 'tsconfig.json',
        line: 2,
        column: 3,
        message: `tsconfig.json does not enable \`strict\` (inherited from @tsconfig/node20/base.json): all strict checks are off, ${lax} — set \`"strict": true\` in compilerOptions`,
      },
    ]);
  });

  it('is not applicable when `extends` names a package that is not installed', async () => {
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'extends-a-package-that-is-not-installed'))).toBe(0);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
