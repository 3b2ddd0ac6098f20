// What a module reads of its static imports while it loads (src/project/load-time.ts): the facts
// no-circular-import tells a dangerous cycle from one whose modules name each other only in functions.
import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/core/parse.js';
import { buildModuleFacts } from '../../src/project/modules.js';

/** `loadTimeReads` of the import of './b' (resolved to a project file) in `code`. */
function readsOfB(code: string, file = '/app/src/a.ts'): string | undefined {
  const { sourceFile } = parseText(file, code);
  const facts = buildModuleFacts(file, sourceFile, (s) => (s.startsWith('.') ? '/app/src/b.ts' : null));
  return facts.imports.find((i) => i.resolved === '/app/src/b.ts')?.loadTimeReads;
}

describe('load-time reads of an import', () => {
  const cases: Array<[string, string, string]> = [
    // Deferred: nothing reads B while the module loads.
    ['a relation thunk in a decorator', "import { B } from './b';\nexport class A { @ManyToOne(() => B, (b) => b.as) bId!: string; }", 'none'],
    ['a thunk in an object in a decorator, and forwardRef', "import { B } from './b';\n@Module({ imports: [forwardRef(() => B)] }) export class A { @prop({ ref: () => B }) b!: string; }", 'none'],
    ['a method body', "import { B } from './b';\nexport class A { make() { return new B(); } }", 'none'],
    ['an instance field of a class nothing here constructs', "import { B } from './b';\nexport class A { b = new B(); h = () => B; }", 'none'],
    ['a function nothing here calls, through another', "import { B } from './b';\nfunction g() { return B; }\nexport function f() { return g(); }", 'none'],
    ['an object literal method', "import { B } from './b';\nexport const service = { find() { return B; } };", 'none'],
    ['a renamed and a default import in thunks', "import Base, { B as Member } from './b';\nexport class A { @OneToMany(() => Member) m!: string; @ManyToOne(() => Base) b!: string; }", 'none'],
    ['a namespace import in a thunk', "import * as b from './b';\nexport class A { @ManyToOne(() => b.B) x!: string; }", 'none'],
    ['a local base class whose methods read it', "import { B } from './b';\nclass Base { m() { return B; } }\nexport class A extends Base {}", 'none'],
    ['`export type { B }`', "import { B } from './b';\nexport type { B };\nexport function f() { return B; }", 'none'],
    ['a side-effect import', "import './b';", 'none'],
    ['Relation<B>, B[] and Promise<B> as decorated types', "import { B } from './b';\nexport class A { @D() r!: Relation<B>; @D() l!: B[]; @D() async m(): Promise<B> { return null!; } }", 'none'],
    // Read at load.
    ['extends', "import { B } from './b';\nexport class A extends B {}", 'value'],
    ['extends a renamed import', "import { B as Model } from './b';\nexport class A extends Model {}", 'value'],
    ['extends through a namespace', "import * as b from './b';\nexport class A extends b.B {}", 'value'],
    ['a decorator argument outside a function', "import { B } from './b';\nexport class A { @Type(B) b!: string; }", 'value'],
    ['a parameter decorator', "import { B } from './b';\nexport class A { constructor(@Inject(B) x: string) {} }", 'value'],
    ['a computed member name', "import { B } from './b';\nexport class A { [B.key]() {} }", 'value'],
    ['a static field', "import { B } from './b';\nexport class A { static x = B.y; }", 'value'],
    ['a static block that calls a static method', "import { B } from './b';\nexport class A { static { this.init(); } static init() { return B; } }", 'value'],
    ['a top-level call', "import { B } from './b';\nB();", 'value'],
    ['an immediately invoked function', "import { B } from './b';\nconst x = (() => B)();", 'value'],
    ['a local function called at load, through another', "import { B } from './b';\nfunction g() { return B; }\nfunction f() { return g(); }\nf();", 'value'],
    ['a default parameter of a function called at load', "import { B } from './b';\nfunction connect(url = B) { return url; }\nexport const pool = connect();", 'value'],
    ['a constructed singleton: field initializer', "import { B } from './b';\nclass A { b = new B(); }\nexport default new A();", 'value'],
    ['a constructed singleton: constructor', "import { B } from './b';\nclass A { constructor() { B.x(); } }\nexport const a = new A();", 'value'],
    ['a local base class constructed at load', "import { B } from './b';\nclass Base { constructor() { B(); } }\nclass A extends Base {}\nnew A();", 'value'],
    ['an object literal at module level', "import { B } from './b';\nexport const handlers = { b: B };", 'value'],
    ['an object literal method called at load', "import { B } from './b';\nconst svc = { find() { return B; } };\nsvc.find();", 'value'],
    ['a getter of a spread object literal', "import { B } from './b';\nexport const x = { ...{ get y() { return B; } } };", 'value'],
    ['a decorator thunk of a class given to a call at load', "import { B } from './b';\nexport class A { @Prop({ ref: () => B }) b!: string; }\nexport const ASchema = SchemaFactory.createForClass(A);", 'value'],
    ['a decorator thunk of a class extended through a call at load', "import { B } from './b';\nexport class A { @Field(() => [B]) bs!: string[]; }\nexport class APatch extends PartialType(A) {}", 'value'],
    ['a forwardRef thunk of a class used in a static field', "import { B } from './b';\n@Module({ imports: [forwardRef(() => B)] }) export class A { static self = this; }", 'value'],
    ['a decorator thunk of a class used only in a function', "import { B } from './b';\nexport class A { @Type(() => B) b!: string; }\nexport function load(raw: object) { return plainToInstance(A, raw); }", 'none'],
    ['a callback given to a call at load', "import { B } from './b';\nexport const xs = [1].map(() => B);", 'value'],
    ['`export { B }`', "import { B } from './b';\nexport { B };", 'value'],
    ['`export default B`', "import { B } from './b';\nexport default B;", 'value'],
    ['`module.exports = { … }` (CommonJS exports are not judged)', "import { B } from './b';\nmodule.exports = { find() { return B; } };", 'value'],
    ['typeof', "import { B } from './b';\nexport const t = typeof B;", 'value'],
    // Decorator metadata (judged with the tsconfig in cycles.ts).
    ['a decorated property typed B', "import { B } from './b';\nexport class A { @ManyToOne(() => B) b!: B; }", 'metadata'],
    ['an injected constructor parameter, even with forwardRef', "import { B } from './b';\n@Injectable() export class A { constructor(@Inject(forwardRef(() => B)) private b: B) {} }", 'metadata'],
    ['a constructor with a decorated parameter in an undecorated class', "import { B } from './b';\nexport class A { constructor(@Inject('x') a: string, b: B) {} }", 'metadata'],
    ['the return type of a decorated method', "import { B } from './b';\nexport class A { @ResolveField() author(): B { return null!; } }", 'metadata'],
    ['a decorated getter and setter', "import { B } from './b';\nexport class A { @D() get x(): B { return null!; } set x(v: B) {} }", 'metadata'],
    ['an optional decorated property', "import { B } from './b';\nexport class A { @D() b?: B; }", 'metadata'],
    ['B | null (emitted as B without null checks)', "import { B } from './b';\nexport class A { @ManyToOne(() => B) b!: B | null; }", 'nullable-metadata'],
  ];
  for (const [name, code, expected] of cases) {
    it(`${expected}: ${name}`, () => {
      expect(readsOfB(code)).toBe(expected);
    });
  }

  it('judges JavaScript too', () => {
    expect(readsOfB("import { B } from './b.js';\nexport class A extends B {}", '/app/src/a.js')).toBe('value');
    expect(readsOfB("import { B } from './b.js';\nexport class A { make() { return new B(); } }", '/app/src/a.js')).toBe('none');
  });

  it('leaves require and re-exports to be read at load', () => {
    const { sourceFile } = parseText('/app/src/a.js', "const b = require('./b');\nexports.f = () => b.x;\nexport * from './b';");
    const facts = buildModuleFacts('/app/src/a.js', sourceFile, () => '/app/src/b.ts');
    expect(facts.imports.map((i) => [i.kind, i.loadTimeReads])).toEqual([
      ['export-from', 'value'],
      ['require', 'value'],
    ]);
  });
});
