import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'no-path-traversal';
const ADVICE = '`../` or an absolute path escapes the intended directory — keep only the file name (`path.basename`), or resolve the path and check it `startsWith` the root before using it';
const reaches = (source: string, sink: string) => `\`${source}\` reaches \`${sink}\`: ${ADVICE}`;

describe(RULE, () => {
  it('flags a route parameter joined into an fs/promises read, and counts every read as a site', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'read-file-path-join-params');
    expect(await findingsOf(RULE, dir)).toEqual([{ file: 'src/routes/invoices.ts', line: 9, column: 21, message: reaches('req.params.file', 'fs.readFile') }]);
    expect(await sitesOf(RULE, dir)).toBe(2);
  });

  it('flags res.sendFile without a root option', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'send-file-without-root'))).toEqual([
      { file: 'src/server.ts', line: 8, column: 3, message: reaches('req.path', 'res.sendFile') },
    ]);
  });

  it('flags res.download of a path built in a template (CommonJS)', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'download-query-parameter'))).toEqual([
      { file: 'src/routes/exports.js', line: 10, column: 3, message: reaches('req.query.name', 'res.download') },
    ]);
  });

  it('flags a body field resolved into a write', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'write-file-from-body'))).toEqual([
      { file: 'src/routes/templates.ts', line: 11, column: 3, message: reaches('req.body.name', 'fs.writeFileSync') },
    ]);
  });

  it("flags an upload's client-given file name", async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'upload-original-name'))).toEqual([
      { file: 'src/routes/uploads.ts', line: 12, column: 9, message: reaches('req.file.originalname', 'fs.rename') },
    ]);
  });

  it("flags an express-fileupload move to the client's file name", async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'express-fileupload-move'))).toEqual([
      { file: 'src/routes/photos.js', line: 11, column: 3, message: reaches('req.files.photo.name', 'photo.mv') },
    ]);
  });

  it('follows the value into a helper function of the same file (fs-extra)', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'fs-extra-remove-in-local-helper'))).toEqual([
      { file: 'src/routes/workspaces.ts', line: 10, column: 9, message: reaches('req.params.name', 'fs-extra.remove') },
    ]);
  });

  it('flags Koa route params destructured from ctx.params', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'koa-context-params'))).toEqual([
      { file: 'src/server.ts', line: 11, column: 14, message: reaches('ctx.params.lang', 'fs.createReadStream') },
    ]);
  });

  it('reports at the controller call into a NestJS service that reads the path', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'nestjs-service-in-another-file'))).toEqual([
      {
        file: 'src/reports/reports.controller.ts',
        line: 10,
        column: 12,
        message: `\`@Param('name') name\` reaches \`fs.readFile\` in src/reports/reports.service.ts through \`this.reports.load\`: ${ADVICE}`,
      },
    ]);
  });

  it('flags a class-validator DTO and a route parameter that a global zod pipe passes through', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'nestjs-zod-pipe-passes-other-params'))).toEqual([
      { file: 'src/exports/exports.controller.ts', line: 10, column: 12, message: reaches('@Body() dto', 'fs.readFile') },
      { file: 'src/exports/exports.controller.ts', line: 15, column: 12, message: reaches("@Param('name') name", 'fs.readFile') },
    ]);
  });

  it('flags a zod DTO of a monorepo app that installs no pipe when another app does', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'nestjs-zod-pipe-in-another-app'))).toEqual([
      { file: 'apps/admin/src/exports/exports.controller.ts', line: 10, column: 12, message: reaches('@Body() dto', 'fs.readFile') },
    ]);
  });

  it('flags a DTO-typed @Headers() parameter, which no global pipe (zod or ValidationPipe) runs on', async () => {
    for (const name of ['nestjs-zod-dto-in-headers', 'nestjs-validation-pipe-skips-headers']) {
      expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', name))).toEqual([
        { file: 'src/settings/settings.controller.ts', line: 11, column: 12, message: reaches('@Headers() headers', 'fs.readFile') },
      ]);
    }
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
