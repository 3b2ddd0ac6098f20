import { describe, expect, it } from 'vitest';
import { stronglyConnected } from '../../src/project/cycles.js';
import { findingsOf, fixtureCase, fixtureCases, sitesOf, writeProject } from '../support/fixtures.js';

const RULE = 'no-circular-import';
const advice = ' — whichever of these loads first sees the others half-initialised; move what they share into a module both import, or make one import lazy or type-only';

describe(RULE, () => {
  it('reports two services that import each other once, at the import in the first file (one subscribes to the other\'s events at load)', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'two-services-import-each-other');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/notifications/notifications.service.ts',
        line: 1,
        column: 1,
        message: `Import cycle: src/notifications/notifications.service.ts → src/orders/orders.service.ts → src/notifications/notifications.service.ts${advice}`,
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(3);
  });

  it('follows a CommonJS loop through five modules', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'commonjs-three-module-loop');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/app.js',
        line: 2,
        column: 25,
        message: `Import cycle: src/app.js → src/users/users.router.js → src/users/users.controller.js → src/users/users.repository.js → src/db.js → src/app.js${advice}`,
      },
    ]);
  });

  it('reports a component once, with the shortest cycle through its first file and the size of the rest', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'tangle-larger-than-its-shortest-cycle'))).toEqual([
      {
        file: 'src/billing/invoice.ts',
        line: 1,
        column: 1,
        message: `Import cycle: src/billing/invoice.ts → src/billing/tax.ts → src/billing/invoice.ts (and 1 more module in the same tangle)${advice}`,
      },
    ]);
  });

  it('counts a class type injected into a decorated constructor as a value (decorator metadata emits it)', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'injected-class-type-is-a-value'))).toEqual([
      {
        file: 'src/audit/audit.service.ts',
        line: 2,
        column: 1,
        message: `Import cycle: src/audit/audit.service.ts → src/users/users.service.ts → src/audit/audit.service.ts${advice}`,
      },
    ]);
  });

  it('counts a relation typed with the entity class as read at load under emitDecoratorMetadata (the classic TypeORM "Cannot access before initialization")', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'relation-type-emitted-as-decorator-metadata'))).toEqual([
      {
        file: 'src/posts/post.entity.ts',
        line: 2,
        column: 1,
        message: `Import cycle: src/posts/post.entity.ts → src/users/user.entity.ts → src/posts/post.entity.ts${advice}`,
      },
    ]);
  });

  it('counts `Company | null` as metadata when the tsconfig turns null checks off (it is emitted as Company)', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'nullable-relation-without-strict-null-checks'))).toEqual([
      {
        file: 'src/contacts/contact.entity.ts',
        line: 2,
        column: 1,
        message: `Import cycle: src/contacts/contact.entity.ts → src/companies/company.entity.ts → src/contacts/contact.entity.ts${advice}`,
      },
    ]);
  });

  it('reports a tangle of thunk-only entities when one of them reads another at load, at that import', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'entity-tangle-with-an-enum-in-a-decorator'))).toEqual([
      {
        file: 'src/blog/post.entity.ts',
        line: 3,
        column: 1,
        message: `Import cycle: src/blog/post.entity.ts → src/blog/user.entity.ts → src/blog/post.entity.ts (and 1 more module in the same tangle)${advice}`,
      },
    ]);
  });

  it('reports a cycle whose one import reads at load and whose import back is used only in functions, at the import that reads', async () => {
    const cycle = (...files: string[]) => `Import cycle: ${files.map((f) => `src/${f}`).join(' → ')}${advice}`;
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'reads-at-load-beside-a-lazy-import-back'))).toEqual([
      // class AdminAccount extends Account
      { file: 'src/accounts/admin-account.ts', line: 1, column: 1, message: cycle('accounts/admin-account.ts', 'accounts/account.ts', 'accounts/admin-account.ts') },
      // ROLES.map((role) => policyFor(role)): a callback given to a call at load may run at once
      { file: 'src/auth/permissions.ts', line: 1, column: 1, message: cycle('auth/permissions.ts', 'auth/policies.ts', 'auth/permissions.ts') },
      // static readonly schema = invoiceSchema
      { file: 'src/billing/invoice.model.ts', line: 1, column: 1, message: cycle('billing/invoice.model.ts', 'billing/invoice.schema.ts', 'billing/invoice.model.ts') },
      // @ApiProperty({ type: [VariantDto] }): a decorator argument outside a function
      { file: 'src/catalog/product.dto.ts', line: 2, column: 1, message: cycle('catalog/product.dto.ts', 'catalog/variant.dto.ts', 'catalog/product.dto.ts') },
      // function connect(connectionString = DATABASE_URL), called at load
      { file: 'src/db/pool.ts', line: 2, column: 1, message: cycle('db/pool.ts', 'db/config.ts', 'db/pool.ts') },
      // { 'order.placed': sendReceipt } at module level
      { file: 'src/events/handlers.ts', line: 1, column: 1, message: cycle('events/handlers.ts', 'events/receipts.ts', 'events/handlers.ts') },
      // static { exporters.set(…) }
      { file: 'src/exporters/csv.exporter.ts', line: 1, column: 1, message: cycle('exporters/csv.exporter.ts', 'exporters/registry.ts', 'exporters/csv.exporter.ts') },
      // @Field(() => AuthorModel) get author(): AuthorModel: no tsconfig, so decorator metadata is assumed
      { file: 'src/graphql/post.model.ts', line: 2, column: 1, message: cycle('graphql/post.model.ts', 'graphql/author.model.ts', 'graphql/post.model.ts') },
      // scheduler.every(…) at the top level
      { file: 'src/jobs/cleanup.job.ts', line: 1, column: 1, message: cycle('jobs/cleanup.job.ts', 'jobs/scheduler.ts', 'jobs/cleanup.job.ts') },
      // JavaScript: class EmailJob extends BaseJob
      { file: 'src/legacy/email-job.js', line: 1, column: 1, message: cycle('legacy/email-job.js', 'legacy/base-job.js', 'legacy/email-job.js') },
      // export * from './dates'
      { file: 'src/lib/index.ts', line: 1, column: 1, message: cycle('lib/index.ts', 'lib/dates.ts', 'lib/index.ts') },
      // (() => ({ region: defaultRegion() }))()
      { file: 'src/settings/settings.ts', line: 1, column: 1, message: cycle('settings/settings.ts', 'settings/regions.ts', 'settings/settings.ts') },
      // export { formatMoney } of the imported binding
      { file: 'src/shared/index.ts', line: 1, column: 1, message: cycle('shared/index.ts', 'shared/money.ts', 'shared/index.ts') },
      // export default new UsersService(): its field initializer createMailer() runs at load
      { file: 'src/users/users.service.ts', line: 1, column: 1, message: cycle('users/users.service.ts', 'users/mailer.ts', 'users/users.service.ts') },
    ]);
  });

  it('reads `import x = require()` as a namespace import: erased when only a type, members read where used', async () => {
    const files = (reportsService: string) => ({
      'package.json': JSON.stringify({ name: 'reports-api' }),
      'src/reports/reports.service.ts': reportsService,
      'src/reports/templates.ts': ["import { REPORT_KINDS } from './reports.service';", '', "export const templates = ['daily.hbs', 'monthly.hbs'];", 'export function kinds(): string[] {', '  return REPORT_KINDS;', '}', 'export type Template = string;', ''].join('\n'),
    });
    const flagged = async (reportsService: string) => (await findingsOf(RULE, writeProject(files(reportsService)))).map((f) => `${f.file}:${f.line}`);
    // Used only as a type: TypeScript erases the import, so there is no cycle.
    expect(await flagged(["import tpl = require('./templates');", '', "export const REPORT_KINDS = ['daily', 'monthly'];", 'export function render(name: tpl.Template): string {', '  return name;', '}', ''].join('\n'))).toEqual([]);
    // Read inside a function only: the module is loaded, nothing of it read at load.
    expect(await flagged(["import tpl = require('./templates');", '', "export const REPORT_KINDS = ['daily', 'monthly'];", 'export function templateFor(i: number): string {', '  return tpl.templates[i] ?? "default.hbs";', '}', ''].join('\n'))).toEqual([]);
    // Read at load: the cycle is reported at that import.
    expect(await flagged(["import tpl = require('./templates');", '', "export const REPORT_KINDS = ['daily', 'monthly'];", 'export const DEFAULT_TEMPLATE = tpl.templates[0];', ''].join('\n'))).toEqual(['src/reports/reports.service.ts:1']);
  });

  it('judges decorator metadata by the nearest tsconfig that includes the file, within its package, and assumes it when it cannot tell', async () => {
    const post = "import { Entity, ManyToOne } from 'typeorm';\nimport { User } from '../users/user.entity';\n@Entity()\nexport class Post {\n  @ManyToOne(() => User)\n  author!: User;\n}\n";
    const user = "import { Entity, OneToMany } from 'typeorm';\nimport { Post } from '../posts/post.entity';\n@Entity()\nexport class User {\n  @OneToMany(() => Post, (p) => p.author)\n  posts!: Post[];\n}\n";
    const entities = (dir = '') => ({ [`${dir}src/posts/post.entity.ts`]: post, [`${dir}src/users/user.entity.ts`]: user });
    const off = '{ "compilerOptions": { "experimentalDecorators": true } }';
    const on = '{ "compilerOptions": { "experimentalDecorators": true, "emitDecoratorMetadata": true } }';
    const workspace = '{ "name": "root", "private": true, "workspaces": ["packages/*"] }';
    const flagged = async (files: Record<string, string>) => (await findingsOf(RULE, writeProject(files))).map((f) => f.file);
    expect(await flagged({ ...entities(), 'tsconfig.json': off })).toEqual([]);
    expect(await flagged({ ...entities(), 'tsconfig.json': on })).toEqual(['src/posts/post.entity.ts']);
    expect(await flagged({ ...entities() })).toEqual(['src/posts/post.entity.ts']);
    expect(await flagged({ ...entities(), 'tsconfig.base.json': on, 'tsconfig.json': '{ "extends": "./tsconfig.base.json" }' })).toEqual(['src/posts/post.entity.ts']);
    // An `extends` that cannot be read, or SWC's own config: cannot tell.
    expect(await flagged({ ...entities(), 'tsconfig.json': '{ "extends": "@acme/tsconfig/nest.json", "compilerOptions": { "experimentalDecorators": true } }' })).toEqual(['src/posts/post.entity.ts']);
    expect(await flagged({ ...entities(), 'tsconfig.json': off, '.swcrc': '{ "jsc": { "transform": { "decoratorMetadata": true } } }' })).toEqual(['src/posts/post.entity.ts']);
    // A workspace package: its own tsconfig, else unknown (not the root's).
    expect(await flagged({ 'package.json': workspace, 'tsconfig.json': on, 'packages/api/package.json': '{ "name": "api" }', 'packages/api/tsconfig.json': off, ...entities('packages/api/') })).toEqual([]);
    expect(await flagged({ 'package.json': workspace, 'tsconfig.json': off, 'packages/api/package.json': '{ "name": "api" }', ...entities('packages/api/') })).toEqual(['packages/api/src/posts/post.entity.ts']);
    // The nearest tsconfig.json above the file decides, if its `include`/`files` (own or inherited) cover it; else unknown.
    expect(await flagged({ 'tsconfig.json': on, 'server/tsconfig.json': off, ...entities('server/') })).toEqual([]);
    expect(await flagged({ 'tsconfig.json': '{ "compilerOptions": { "experimentalDecorators": true }, "include": ["src/**/*.ts"] }', ...entities() })).toEqual([]);
    expect(await flagged({ 'tsconfig.base.json': '{ "include": ["src"] }', 'tsconfig.json': '{ "extends": "./tsconfig.base.json", "compilerOptions": { "experimentalDecorators": true } }', ...entities() })).toEqual([]);
    expect(await flagged({ 'package.json': workspace, 'tsconfig.base.json': '{ "compilerOptions": { "experimentalDecorators": true }, "include": ["${configDir}/src"] }', 'packages/api/package.json': '{ "name": "api" }', 'packages/api/tsconfig.json': '{ "extends": "../../tsconfig.base.json" }', ...entities('packages/api/') })).toEqual([]);
    expect(await flagged({ 'tsconfig.json': '{ "compilerOptions": { "experimentalDecorators": true }, "include": ["web"] }', ...entities() })).toEqual(['src/posts/post.entity.ts']);
    expect(await flagged({ 'tsconfig.json': '{ "compilerOptions": { "experimentalDecorators": true }, "files": ["src/main.ts"] }', ...entities() })).toEqual(['src/posts/post.entity.ts']);
  });

  it('counts a decorator thunk as read at load when its module puts the class to use at load (the library calls the thunks then)', async () => {
    const cycle = (...files: string[]) => `Import cycle: ${files.join(' → ')}${advice}`;
    // export const CatSchema = SchemaFactory.createForClass(Cat): calls `ref: () => Owner`
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'mongoose-schema-built-from-a-class-with-ref-thunks'))).toEqual([
      { file: 'src/cats/cat.schema.ts', line: 3, column: 1, message: cycle('src/cats/cat.schema.ts', 'src/owners/owner.schema.ts', 'src/cats/cat.schema.ts') },
    ]);
    // class PostPatch extends PartialType(Post): calls `@Field(() => [Author])`
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'graphql-partial-type-of-a-model-with-field-thunks'))).toEqual([
      { file: 'src/posts/post.model.ts', line: 2, column: 1, message: cycle('src/posts/post.model.ts', 'src/authors/author.model.ts', 'src/posts/post.model.ts') },
    ]);
    // export const config = plainToInstance(AppConfig, …): calls `@Type(() => DatabaseConfig)`
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'config-instantiated-at-load-with-a-type-thunk'))).toEqual([
      { file: 'src/config/app.config.ts', line: 3, column: 1, message: cycle('src/config/app.config.ts', 'src/config/database.config.ts', 'src/config/app.config.ts') },
    ]);
  });

  it('does not let a root tsconfig whose include leaves the server out decide the server\'s decorator metadata', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'root-tsconfig-that-does-not-include-the-server'))).toEqual([
      {
        file: 'server/posts/post.entity.ts',
        line: 2,
        column: 1,
        message: `Import cycle: server/posts/post.entity.ts → server/users/user.entity.ts → server/posts/post.entity.ts${advice}`,
      },
    ]);
  });

  it('is not applicable to a project whose modules import no other project module', async () => {
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'cycle-between-test-helpers'))).toBe(0);
  });

  it('finds components without recursion, on a ring of 50,000 modules and beside it', () => {
    const n = 50_000;
    const ring = Array.from({ length: n }, (_, i) => [(i + 1) % n]);
    ring.push([0], [n + 2], [n + 1]); // n → ring (not in it); n+1 ⇄ n+2
    const components = stronglyConnected(ring).map((c) => c.length).sort((a, b) => a - b);
    expect(components).toEqual([1, 2, n]);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
