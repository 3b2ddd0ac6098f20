import { describe, expect, it } from 'vitest';
import { ts } from 'ts-morph';
import { createHelpers } from '../../src/core/helpers.js';
import { parseText } from '../../src/core/parse.js';
import { buildProjectFacts } from '../../src/project/facts.js';

/** The callee reference of every call in `code`, as `text → key`. */
function callees(code: string, filename = 'src/app.ts'): string[] {
  const path = `/p/${filename}`;
  const { sourceFile } = parseText(path, code);
  const project = buildProjectFacts({ root: '/p', files: [{ path, relPath: filename, sourceFile }], readDisk: false });
  const helpers = createHelpers(path, project);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node)) {
      const ref = helpers.calleeOf(node);
      const key = !ref ? 'null' : ref.kind === 'module' ? `module ${ref.module} [${ref.path.join('.')}]` : ref.kind === 'global' ? `global ${ref.name} [${ref.path.join('.')}]` : `local ${ref.name} [${ref.path.join('.')}]`;
      out.push(`${node.expression.getText(sourceFile)} → ${key}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return out;
}

describe('references', () => {
  it('follows default, namespace, named and renamed imports, with node: prefixes normalised', () => {
    expect(
      callees(`import axios from 'axios';\nimport * as http from 'node:http';\nimport { request as httpsRequest } from 'https';\naxios.get('/');\nhttp.get('/');\nhttpsRequest('/');\n`),
    ).toEqual(["axios.get → module axios [get]", "http.get → module http [get]", "httpsRequest → module https [request]"]);
  });

  it('follows require, destructuring, `.default` and const aliases', () => {
    expect(
      callees(`const axios = require('axios').default;\nconst { get: fetchJson } = require('axios');\nconst client = axios;\nconst { promises: fsp } = require('fs');\nclient.post('/');\nfetchJson('/');\nfsp.readFile('x');\n`, 'src/a.js'),
    ).toEqual(["require → global require []", "require → global require []", "require → global require []", "client.post → module axios [post]", "fetchJson → module axios [get]", "fsp.readFile → module fs [promises.readFile]"]);
  });

  it('follows a dynamic `await import()` like a static import: namespace, `.default`, destructured, inline', () => {
    expect(
      callees(
        `export async function createApp() {\n` +
          `  const helmet = await import('helmet');\n` +
          `  const axios = (await import('axios')).default;\n` +
          `  const { default: cors } = await import('cors');\n` +
          `  const { Agent } = await import('node:https');\n` +
          `  helmet.contentSecurityPolicy({});\n` +
          `  axios.create({});\n` +
          `  cors();\n` +
          `  (await import('got')).default.get('/');\n` +
          `  import('pino').then(() => undefined);\n` +
          `  return new Agent();\n` +
          `}\n`,
      ),
    ).toEqual([
      "import → null",
      "import → null",
      "import → null",
      "import → null",
      "helmet.contentSecurityPolicy → module helmet [contentSecurityPolicy]",
      "axios.create → module axios [create]",
      "cors → module cors []",
      "(await import('got')).default.get → module got [get]",
      "import → null",
      "import('pino').then → null",
      "import → null",
    ]);
  });

  it('treats globals as globals, through globalThis too, and locals as locals', () => {
    expect(callees(`fetch('/');\nglobalThis.fetch('/');\nconst api = makeClient();\napi.get('/');\n`)).toEqual([
      "fetch → global fetch []",
      "globalThis.fetch → global fetch []",
      "makeClient → global makeClient []",
      "api.get → local api [get]",
    ]);
  });

  it('is not fooled by a parameter or block-scoped local that shadows an import', () => {
    expect(
      callees(`import axios from 'axios';\nexport function send(axios: { get(u: string): void }) {\n  axios.get('/');\n}\n{\n  const axios = { get() {} };\n  axios.get();\n}\naxios.get('/');\n`),
    ).toEqual(["axios.get → local axios [get]", "axios.get → local axios [get]", "axios.get → module axios [get]"]);
  });
});
