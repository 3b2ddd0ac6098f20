// no-path-traversal: request input that reaches a file-system path — `fs` reads, writes, streams,
// deletes and directory listings (also `fs/promises` and fs-extra), Express `res.sendFile`/
// `res.download` without a `root` — in the handler, in a function of the same file, or in a
// project function in another file the handler calls. `../../etc/passwd` or an absolute path
// then reads secrets, overwrites code or deletes data outside the directory the code meant.
// Flows come from the taint engine (src/core/taint.ts): `path.basename`, a `startsWith(root)`
// containment check after `path.resolve`, rejecting `..`, allow lists and schema parses end them.
import { pathSinks } from '../src/core/sinks/path.js';
import { defineFileRule } from '../src/core/rule.js';
import { flowMessages, injectionListeners } from '../src/core/taint.js';

const ADVICE =
  '`../` or an absolute path escapes the intended directory — keep only the file name (`path.basename`), or resolve the path and check it `startsWith` the root before using it';

export default defineFileRule({
  id: 'no-path-traversal',
  category: 'security',
  severity: 'high',
  recommended: true,
  cwe: [22],
  defaultOptions: {},
  messages: flowMessages(ADVICE),
  docs: {
    description: 'Disallow request input in file-system paths (`fs` calls, `res.sendFile`, `res.download`) without a containment check.',
    why:
      '`path.join(UPLOADS, req.params.name)` with a name of `../../.env` is the service\'s secrets, and with `fs.writeFile` or ' +
      '`fs.unlink` it is any file the process may write or delete. `path.join` and `path.resolve` normalise the `..` segments away, ' +
      'so the result looks harmless. The rule follows the value from the request (query, body, route params, headers, upload file ' +
      'names, NestJS `@Param()`/`@Query()`) through variables, string building, functions of the same file and project services in ' +
      'other files.',
    fix:
      'Keep only the file name with `path.basename(name)`, or resolve the full path and refuse it unless it stays under the root: ' +
      '`const p = path.resolve(ROOT, name); if (!p.startsWith(ROOT + path.sep)) return res.sendStatus(403);`. For downloads, ' +
      '`res.sendFile(name, { root: ROOT })` does the check. Better still, look files up by an id in the database.',
    sites: 'file-system path calls',
    examples: {
      invalid: [
        {
          filename: 'src/routes/invoices.ts',
          code:
            "import { readFile } from 'node:fs/promises';\nimport path from 'node:path';\nimport { Router } from 'express';\n\n" +
            "const INVOICES_DIR = path.resolve('storage/invoices');\nexport const invoices = Router();\n\n" +
            "invoices.get('/:file', async (req, res) => {\n  const pdf = await readFile(path.join(INVOICES_DIR, req.params.file));\n  res.type('application/pdf').send(pdf);\n});\n",
        },
      ],
      valid: [
        {
          filename: 'src/routes/invoices.ts',
          code:
            "import { readFile } from 'node:fs/promises';\nimport path from 'node:path';\nimport { Router } from 'express';\n\n" +
            "const INVOICES_DIR = path.resolve('storage/invoices');\nexport const invoices = Router();\n\n" +
            "invoices.get('/:file', async (req, res) => {\n  const file = path.resolve(INVOICES_DIR, req.params.file);\n" +
            "  if (!file.startsWith(INVOICES_DIR + path.sep)) return res.sendStatus(403);\n  res.type('application/pdf').send(await readFile(file));\n});\n\n" +
            "invoices.get('/:file/download', (req, res) => {\n  res.download(req.params.file, { root: INVOICES_DIR });\n});\n",
        },
      ],
    },
  },
  create(context) {
    return injectionListeners(context, pathSinks);
  },
});
