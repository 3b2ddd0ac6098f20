import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'no-local-file-storage';
const at = (f: { file: string; line: number; column: number }) => `${f.file}:${f.line}:${f.column}`;

describe(RULE, () => {
  it('flags multer with a disk destination and disk storage', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'multer-disk-storage');
    const found = await findingsOf(RULE, dir);
    expect(found.map(at)).toEqual(['src/routes/documents.ts:5:18', 'src/routes/documents.ts:6:17']);
    expect(found[0]?.message).toBe(
      "`multer({ dest })` stores uploads on this instance's disk, which is lost on redeploy and not shared between instances: use memory storage and stream to object storage (multer-s3, S3, GCS)",
    );
    expect(found[1]?.message).toMatch(/^`multer\.diskStorage\(…\)` stores uploads/);
    expect(await sitesOf(RULE, dir)).toBe(2);
  });

  it('flags fs writes in a handler and in the function it calls', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'fs-writes-in-handlers'));
    expect(found.map(at)).toEqual(['src/server.ts:8:9', 'src/server.ts:18:15']);
    expect(found[0]?.message).toMatch(/^`fs\.promises\.writeFile` writes to this instance's disk during a request/);
    expect(found[1]?.message).toMatch(/^`fs\.createWriteStream` writes/);
  });

  it('flags a private method one caller passes a disk path, a static or callback-given one, and a `let` last set to a disk path', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'disk-path-passed-to-private-method');
    const found = await findingsOf(RULE, dir);
    expect(found.map((f) => `${at(f)} ${f.message.split(' writes')[0]}`)).toEqual([
      'src/attachments/attachments.service.ts:40:11 `fs.promises.writeFile`',
      'src/attachments/attachments.service.ts:46:11 `fs.promises.writeFile`',
      'src/attachments/attachments.service.ts:51:5 `fs.writeFileSync`',
      'src/attachments/attachments.service.ts:63:62 `fs.createWriteStream`',
    ]);
    expect(await sitesOf(RULE, dir)).toBe(4);
  });

  it('flags a function one caller passes a disk path, and a `let` reassigned by destructuring', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'tmp-paths-that-leave-the-temp-directory');
    expect((await findingsOf(RULE, dir)).map(at)).toEqual(['src/reports.router.ts:10:9', 'src/reports.router.ts:22:9']);
  });

  it('valid/tmp-path-passed-to-private-method: every caller of the private method and the local function passes a temp path', async () => {
    const dir = fixtureCase(RULE, 'valid', 'tmp-path-passed-to-private-method');
    expect(await findingsOf(RULE, dir)).toEqual([]);
    expect(await sitesOf(RULE, dir)).toBe(2);
  });

  it("flags express-fileupload's mv in a handler", async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'express-fileupload-mv'));
    expect(found.map(at)).toEqual(['src/app.js:9:9']);
    expect(found[0]?.message).toMatch(/^`req\.files\.photo\.mv\(…\)` moves an upload onto this instance's disk/);
  });

  it('flags formidable with an uploadDir', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'formidable-upload-dir'));
    expect(found.map(at)).toEqual(['src/imports.js:7:16']);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
