// What a module reads of its static imports while it loads. An import cycle can hand a module a
// half-initialised one only when some module of the cycle reads an imported binding while it is
// still loading: `class Post extends Model`, `@Type(Author)`, `export const repo = db.getRepository(User)`,
// a static field, a top-level call. A binding read only inside functions that nothing runs at load
// (an ORM's foreign-key thunk `@ManyToOne(() => User)`, a method body) is read after every module
// has loaded, whatever the order (see ./cycles.ts).
//
// A reference is deferred when it sits in a function that does not run while the module loads:
// - a method, constructor, accessor or instance field of a module-level class, and a module-level
//   function or a function held by a module-level variable (in an object literal too), unless this
//   module uses that class, function or variable at load (a top-level call, `new`, passing it to a
//   call, reading a property): then what it holds is taken to run;
// - a function in a decorator's arguments (`@ManyToOne(() => User, (u) => u.posts)`,
//   `@Inject(forwardRef(() => UsersService))`): decorators store such thunks, and libraries call
//   them when the class is put to use (`SchemaFactory.createForClass(Cat)`, `PartialType(Post)`,
//   `plainToInstance(AppConfig, …)`), so they run with the class's methods: deferred unless this
//   module uses the (module-level) class at load;
// - `export default function …`, `export default { … }`: handed over, not called here.
// Everything else runs at load: an immediately invoked function, a function passed to any other call
// (`[…].map(() => User)`, `z.lazy(() => User)` may call it at once), a static field or block, a
// decorator or computed member name outside a function, `extends`, `export { User }`.
//
// With `emitDecoratorMetadata`, a decorated member's type is emitted as `__metadata("design:type", User)`
// when the class is defined: 'metadata' reads, judged with the project's tsconfig in ./cycles.ts.
//
// Taken on trust: a decorator stores the functions it is given (one that calls them at once, or a class
// decorator that constructs its class, is not seen). Not judged: `require` (a top-level
// `const users = require('./users')` keeps the early exports object, which `module.exports = …` then
// replaces) and `export … from`, both read at load.
import { ts } from '../core/typescript.js';
import { hasModifier } from '../core/references.js';
import { isFunctionLike } from '../core/scope.js';
import type { ImportRecord } from './modules.js';

/**
 * What a module reads of an import's bindings while it loads, strongest first: 'value' (an ordinary
 * read, or a kind of import that is not judged: `require`, `export … from`); 'metadata' (only as the
 * type of a decorated member, emitted under `emitDecoratorMetadata`); 'nullable-metadata' (only as
 * `User | null` or `User | undefined` there, emitted as `User` only without `strictNullChecks`);
 * 'none' (only inside functions that do not run at load, or not at all).
 */
export type LoadTimeRead = 'value' | 'metadata' | 'nullable-metadata' | 'none';

const STRENGTH: Record<LoadTimeRead, number> = { none: 0, 'nullable-metadata': 1, metadata: 2, value: 3 };

type Owner = ts.FunctionDeclaration | ts.ClassDeclaration | ts.VariableDeclaration;
const LAZY: unique symbol = Symbol('lazy');
/** A function or class whose code runs whenever the code around it runs. */
const INLINE: unique symbol = Symbol('inline');
/** Where code runs: at load (null), in a function nothing here calls (LAZY), or in what a module-level declaration holds. */
type Context = null | typeof LAZY | Owner;

const decorated = (n: ts.Node) => ts.canHaveDecorators(n) && (ts.getDecorators(n)?.length ?? 0) > 0;
const isStatic = (n: ts.Node) => hasModifier(n, ts.SyntaxKind.StaticKeyword);

/** The accessor of the other kind with the same name in the same class (decorators of either apply to both). */
function accessorPair(accessor: ts.AccessorDeclaration): ts.AccessorDeclaration | undefined {
  const cls = accessor.parent;
  if (!ts.isClassLike(cls) || !ts.isIdentifier(accessor.name)) return undefined;
  const name = accessor.name.text;
  const kind = ts.isGetAccessor(accessor) ? ts.SyntaxKind.SetAccessor : ts.SyntaxKind.GetAccessor;
  return cls.members.find((m): m is ts.AccessorDeclaration => m.kind === kind && ts.isIdentifier((m as ts.AccessorDeclaration).name) && ((m as ts.AccessorDeclaration).name as ts.Identifier).text === name);
}

function isNullish(type: ts.TypeNode): boolean {
  return type.kind === ts.SyntaxKind.UndefinedKeyword || (ts.isLiteralTypeNode(type) && type.literal.kind === ts.SyntaxKind.NullKeyword);
}

/**
 * Whether decorator metadata emits this type reference (TypeScript's `serializeTypeNode`): the whole
 * type of a decorated property or accessor, the return type of a decorated method, a parameter of a
 * decorated method or setter, of a method with a decorated parameter, or of the constructor of a
 * decorated class or one with a decorated parameter. `User | null` emits `User` only when null checks
 * are off; any other union, `User[]`, `Promise<User>`, `Relation<User>` emit `Object`, `Array`, `Promise`.
 */
export function metadataLevel(type: ts.TypeReferenceNode): 'metadata' | 'nullable-metadata' | null {
  let node: ts.TypeNode = type;
  let nullable = false;
  for (;;) {
    const p = node.parent;
    if (ts.isParenthesizedTypeNode(p)) node = p;
    else if (ts.isUnionTypeNode(p) && p.types.every((t) => t === node || isNullish(t) || t.kind === ts.SyntaxKind.NeverKeyword)) {
      nullable ||= p.types.some(isNullish);
      node = p;
    } else if (ts.isIntersectionTypeNode(p) && p.types.every((t) => t === node || t.kind === ts.SyntaxKind.UnknownKeyword)) node = p;
    else break;
  }
  const owner = node.parent;
  let emitted = false;
  if (ts.isPropertyDeclaration(owner)) emitted = owner.type === node && decorated(owner);
  else if (ts.isGetAccessor(owner)) emitted = owner.type === node && (decorated(owner) || !!accessorPair(owner) && decorated(accessorPair(owner)!));
  else if (ts.isMethodDeclaration(owner)) emitted = owner.type === node && decorated(owner);
  else if (ts.isParameter(owner) && owner.type === node) {
    const fn = owner.parent;
    if (ts.isConstructorDeclaration(fn)) emitted = decorated(fn.parent) || fn.parameters.some(decorated);
    else if (ts.isMethodDeclaration(fn)) emitted = decorated(fn) || fn.parameters.some(decorated);
    else if (ts.isSetAccessor(fn)) emitted = decorated(fn) || !!accessorPair(fn) && decorated(accessorPair(fn)!);
  }
  if (!emitted) return null;
  return nullable ? 'nullable-metadata' : 'metadata';
}

/** Nodes a function or class passes through unchanged on its way to what holds it. */
const PASS_THROUGH = new Set([
  ts.SyntaxKind.ParenthesizedExpression,
  ts.SyntaxKind.AsExpression,
  ts.SyntaxKind.SatisfiesExpression,
  ts.SyntaxKind.NonNullExpression,
  ts.SyntaxKind.TypeAssertionExpression,
  ts.SyntaxKind.ArrayLiteralExpression,
  ts.SyntaxKind.ObjectLiteralExpression,
]);

function isModuleLevelVariable(decl: ts.VariableDeclaration): boolean {
  const statement = decl.parent.parent;
  return ts.isIdentifier(decl.name) && !!statement && ts.isVariableStatement(statement) && ts.isSourceFile(statement.parent);
}

/** The class whose decorator has this call in its expression (not inside a function there). */
function decoratedClassOf(call: ts.Node): ts.ClassLikeDeclaration | undefined {
  for (let n = call.parent; n && !ts.isSourceFile(n); n = n.parent) {
    if (ts.isDecorator(n)) return ts.findAncestor(n, ts.isClassLike);
    if (isFunctionLike(n) || ts.isClassLike(n)) return undefined;
  }
  return undefined;
}

/** What holds a function or class expression, and so when its code runs. */
function holderUnit(e: ts.Node): Context | typeof INLINE {
  let c = e;
  for (let p = e.parent; p; c = p, p = p.parent) {
    if (PASS_THROUGH.has(p.kind)) continue;
    if (ts.isPropertyAssignment(p)) {
      if (c === p.initializer) continue;
      return INLINE;
    }
    if (ts.isConditionalExpression(p)) {
      if (c !== p.condition) continue;
      return INLINE;
    }
    if (ts.isBinaryExpression(p)) {
      const op = p.operatorToken.kind;
      if (op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.AmpersandAmpersandToken || (op === ts.SyntaxKind.CommaToken && c === p.right)) continue;
      return INLINE;
    }
    if (ts.isCallExpression(p) || ts.isNewExpression(p)) {
      // A function in a decorator's arguments runs when the class is put to use: `SchemaFactory.createForClass(Cat)`,
      // `PartialType(Post)`, `plainToInstance(AppConfig, …)` call the thunks of its members' decorators.
      const cls = c !== p.expression ? decoratedClassOf(p) : undefined;
      return cls ? classUnit(cls) : INLINE;
    }
    if (ts.isVariableDeclaration(p)) return c === p.initializer && isModuleLevelVariable(p) ? p : INLINE;
    if (ts.isExportAssignment(p)) return LAZY;
    if (ts.isPropertyDeclaration(p) && c === p.initializer && ts.isClassLike(p.parent)) return classUnit(p.parent);
    return INLINE;
  }
  return INLINE;
}

function classUnit(cls: ts.ClassLikeDeclaration): Context | typeof INLINE {
  if (ts.isClassDeclaration(cls)) return ts.isSourceFile(cls.parent) ? (cls.name ? cls : LAZY) : INLINE;
  return holderUnit(cls);
}

/** When the body and parameters of a function run. */
function unitOf(fn: ts.Node): Context | typeof INLINE {
  if (ts.isFunctionDeclaration(fn)) return ts.isSourceFile(fn.parent) ? (fn.name ? fn : LAZY) : INLINE;
  if (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) return holderUnit(fn);
  if (ts.isClassLike(fn.parent)) return classUnit(fn.parent);
  if (ts.isObjectLiteralExpression(fn.parent)) return holderUnit(fn.parent);
  return INLINE;
}

/** Where the code at `node` runs. */
function contextOf(node: ts.Node): Context {
  let child = node;
  let n = node.parent;
  while (n && !ts.isSourceFile(n)) {
    if (ts.isDecorator(n)) {
      // Decorators (of the class, a member or a parameter) run when the class is defined.
      const cls = ts.findAncestor(n, ts.isClassLike);
      if (!cls) return null;
      child = cls;
      n = cls.parent;
      continue;
    }
    if (isFunctionLike(n) && (child === (n as ts.FunctionLikeDeclaration).body || ts.isParameter(child))) {
      const unit = unitOf(n);
      if (unit !== INLINE) return unit;
    } else if (ts.isPropertyDeclaration(n) && child === n.initializer && !isStatic(n) && ts.isClassLike(n.parent)) {
      // An instance field's initializer runs in the constructor.
      const unit = classUnit(n.parent);
      if (unit !== INLINE) return unit;
    }
    child = n;
    n = n.parent;
  }
  return null;
}

/** The identifier's type-reference holder, through qualified names (`ns.User`). */
function typeReferenceOf(id: ts.Identifier): ts.TypeReferenceNode | undefined {
  let n: ts.Node = id;
  while (ts.isQualifiedName(n.parent)) n = n.parent;
  return ts.isTypeReferenceNode(n.parent) ? n.parent : undefined;
}

/** `this` or `super` in a static field or static block (outside a nested non-arrow function): the class runs code of its own at definition. */
function staticCodeUsesClass(cls: ts.ClassDeclaration): boolean {
  const uses = (n: ts.Node): boolean => {
    if (n.kind === ts.SyntaxKind.ThisKeyword || n.kind === ts.SyntaxKind.SuperKeyword) return true;
    if (isFunctionLike(n) && !ts.isArrowFunction(n)) return false;
    return ts.forEachChild(n, uses) ?? false;
  };
  return cls.members.some((m) => (ts.isClassStaticBlockDeclaration(m) ? uses(m.body) : ts.isPropertyDeclaration(m) && isStatic(m) && !!m.initializer && uses(m.initializer)));
}

/**
 * Collects, during the facts pass's walk, the reads of imported bindings and the uses of module-level
 * declarations, and at the end raises each import record's `loadTimeReads` to its strongest read
 * that runs at load.
 */
export class LoadTimeReads {
  private readonly bindings = new Map<string, ImportRecord>();
  /** Module-level functions, classes and variables by name (built on first use). */
  private ownerMap: Map<string, Owner> | undefined;
  private readonly reads: Array<{ record: ImportRecord; level: LoadTimeRead; at: ts.Node }> = [];
  private readonly uses: Array<{ owner: Owner; at: ts.Identifier }> = [];

  constructor(
    private readonly sf: ts.SourceFile,
    /** The identifier is kept in the emitted JavaScript (see readsAsValue in ./modules.ts). */
    private readonly readsAsValue: (id: ts.Identifier) => boolean,
  ) {}

  private get owners(): Map<string, Owner> {
    if (this.ownerMap) return this.ownerMap;
    const owners = new Map<string, Owner>();
    for (const s of this.sf.statements) {
      if (ts.isFunctionDeclaration(s) && s.name && s.body) owners.set(s.name.text, s);
      else if (ts.isClassDeclaration(s) && s.name) owners.set(s.name.text, s);
      else if (ts.isVariableStatement(s)) for (const d of s.declarationList.declarations) if (ts.isIdentifier(d.name)) owners.set(d.name.text, d);
    }
    this.ownerMap = owners;
    return owners;
  }

  /** Whether any binding is to be judged (none: `identifier` has nothing to do). */
  get active(): boolean {
    return this.bindings.size > 0;
  }

  /** A binding of a static `import` of `record`. */
  bind(name: string, record: ImportRecord): void {
    this.bindings.set(name, record);
  }

  identifier(id: ts.Identifier): void {
    const record = this.bindings.get(id.text);
    if (record) {
      const type = typeReferenceOf(id);
      if (type) {
        const level = metadataLevel(type);
        // Emitted with the decorators, when the class is defined.
        const cls = level && ts.findAncestor(type, ts.isClassLike);
        if (level && cls) this.reads.push({ record, level, at: cls });
        return;
      }
      const parent = id.parent;
      if (ts.isExportSpecifier(parent) && (parent.isTypeOnly || parent.parent.parent.isTypeOnly)) return;
      if (this.readsAsValue(id)) this.reads.push({ record, level: 'value', at: id });
      return;
    }
    const owner = this.owners.get(id.text);
    if (owner && this.invokes(id)) this.uses.push({ owner, at: id });
  }

  /** A use of a module-level declaration that may run what it holds: not its own name, a type, nor a bare export of it. */
  private invokes(id: ts.Identifier): boolean {
    const parent = id.parent;
    if ((ts.isFunctionDeclaration(parent) || ts.isClassDeclaration(parent) || ts.isVariableDeclaration(parent) || ts.isFunctionExpression(parent) || ts.isClassExpression(parent)) && parent.name === id) return false;
    if (typeReferenceOf(id) || !this.readsAsValue(id)) return false;
    if (ts.isExportSpecifier(parent) || (ts.isExportAssignment(parent) && parent.expression === id)) return false;
    return true;
  }

  /** Raises the records' `loadTimeReads`. */
  finish(): void {
    if (this.reads.length === 0) return;
    const contexts = this.reads.map((r) => contextOf(r.at));
    const run = new Set<Owner>();
    if (contexts.some((c) => c !== null && c !== LAZY)) {
      // What this module runs at load: what it uses at load, what those run, and so on.
      const uses = this.uses.map(({ owner, at }): { owner: Owner; from: Context } => ({ owner, from: this.useContext(at) }));
      for (const s of this.sf.statements) if (ts.isClassDeclaration(s) && s.name && staticCodeUsesClass(s)) run.add(s);
      for (const u of uses) if (u.from === null) run.add(u.owner);
      for (let grown = true; grown; ) {
        grown = false;
        for (const u of uses) {
          if (u.from !== null && u.from !== LAZY && run.has(u.from) && !run.has(u.owner)) {
            run.add(u.owner);
            grown = true;
          }
        }
      }
    }
    this.reads.forEach((r, i) => {
      const c = contexts[i]!;
      if (c === LAZY || (c !== null && !run.has(c))) return;
      if (STRENGTH[r.level] > STRENGTH[r.record.loadTimeReads]) r.record.loadTimeReads = r.level;
    });
  }

  /** Where a use runs; `class Admin extends User` uses `User` when `Admin` runs, not when it is defined. */
  private useContext(at: ts.Identifier): Context {
    const heritage = at.parent.parent;
    if (ts.isExpressionWithTypeArguments(at.parent) && ts.isHeritageClause(heritage) && ts.isClassDeclaration(heritage.parent) && ts.isSourceFile(heritage.parent.parent)) {
      return heritage.parent;
    }
    return contextOf(at);
  }
}
