// A generated Express service big enough to cross the worker-thread threshold: per domain a
// router, a controller, a service and a repository, imported across files so that project facts
// (async exports, request reach from routes through services) decide findings in other files.
import { writeProject } from './fixtures.js';

export function generatedService(domains: number): { root: string; files: Record<string, string> } {
  const files: Record<string, string> = {
    'package.json': JSON.stringify({ name: 'generated-shop', dependencies: { express: '^4.21.0', axios: '^1.7.0', pg: '^8.11.0' } }, null, 2),
    'src/db.ts': "import { Pool } from 'pg';\n\nexport const pool = new Pool({ connectionString: process.env.DATABASE_URL });\n",
    'src/http.ts': "import axios from 'axios';\n\nexport const api = axios.create({ baseURL: process.env.API_URL });\n",
  };
  const routers: string[] = [];
  for (let i = 0; i < domains; i++) {
    const d = `domain${i}`;
    files[`src/${d}/${d}.repository.ts`] = [
      "import { pool } from '../db';",
      '',
      `export async function find${i}(id: string) {`,
      `  const { rows } = await pool.query('select * from ${d} where id = $1', [id]);`,
      '  return rows[0];',
      '}',
      '',
      `export async function save${i}(row: { id: string }) {`,
      `  await pool.query('insert into ${d} (id) values ($1)', [row.id]);`,
      '}',
      '',
    ].join('\n');
    files[`src/${d}/${d}.service.ts`] = [
      `import { find${i}, save${i} } from './${d}.repository';`,
      "import { api } from '../http';",
      '',
      `export async function load${i}(id: string) {`,
      `  const row = await find${i}(id);`,
      `  ${i % 3 === 0 ? `save${i}(row);` : `await save${i}(row);`}`,
      `  ${i % 4 === 0 ? `const remote = await api.get('/${d}/' + id);` : 'const remote = { data: null };'}`,
      `  ${i % 5 === 0 ? "console.log('loaded', id);" : ''}`,
      '  return { row, remote: remote.data };',
      '}',
      '',
    ].join('\n');
    files[`src/${d}/${d}.controller.ts`] = [
      "import type { Request, Response } from 'express';",
      `import { load${i} } from './${d}.service';`,
      '',
      `export async function get${i}(req: Request, res: Response) {`,
      `  ${i % 7 === 0 ? `const value = load${i}(req.params.id);` : `const value = await load${i}(req.params.id);`}`,
      '  res.json(value);',
      '}',
      '',
    ].join('\n');
    files[`src/${d}/${d}.router.ts`] = [
      "import { Router } from 'express';",
      `import { get${i} } from './${d}.controller';`,
      '',
      `export const ${d}Router = Router();`,
      `${d}Router.get('/:id', get${i});`,
      '',
    ].join('\n');
    routers.push(d);
  }
  files['src/server.ts'] = [
    "import express from 'express';",
    ...routers.map((d) => `import { ${d}Router } from './${d}/${d}.router';`),
    '',
    'const app = express();',
    ...routers.map((d) => `app.use('/${d}', ${d}Router);`),
    "app.listen(3000, () => console.log('listening'));",
    '',
  ].join('\n');
  return { root: writeProject(files), files };
}
