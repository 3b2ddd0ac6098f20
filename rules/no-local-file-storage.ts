// no-local-file-storage: uploads and user data written to the local disk — multer's disk storage,
// formidable with an `uploadDir`, express-fileupload's `mv`, or `fs` writes made while a request is
// handled. A container's disk is ephemeral and private to one instance: the file is gone after the
// next deploy, and a request served by another instance cannot find it. Writes under
// `os.tmpdir()` (scratch space used within the request) are fine — also through a `let` assigned
// such paths, or a private method's parameter every caller in the file passes one — and so is
// `multer.diskStorage` without a `destination` (multer then writes to the OS temp directory).
import { ts } from '../src/core/typescript.js';
import { handlerModelOf } from '../src/core/handlers.js';
import type { Helpers } from '../src/core/helpers.js';
import { hasModifier, isNullishLiteral, unwrap } from '../src/core/references.js';
import { defineFileRule } from '../src/core/rule.js';

const FS_WRITES = new Set(['writeFile', 'writeFileSync', 'appendFile', 'appendFileSync', 'createWriteStream', 'copyFile', 'copyFileSync', 'rename', 'renameSync', 'cp', 'cpSync']);
const FS_MODULES = new Set(['fs', 'fs/promises', 'fs-extra']);
const FS_EXTRA_WRITES = new Set(['outputFile', 'outputFileSync', 'outputJson', 'outputJSON', 'writeJson', 'writeJSON', 'move', 'moveSync']);

/** `fs.writeFile`, `fs.promises.writeFile`, `writeFile` from 'fs/promises', fs-extra's `outputFile`: the written function's name. */
function fsWrite(call: ts.CallExpression, helpers: Helpers): string | undefined {
  const ref = helpers.calleeOf(call);
  if (!ref || ref.kind !== 'module' || ref.resolved || !FS_MODULES.has(ref.module)) return undefined;
  const path = ref.path[0] === 'promises' || ref.path[0] === 'default' ? ref.path.slice(1) : ref.path;
  const fn = path[0];
  if (path.length !== 1 || fn === undefined) return undefined;
  if (FS_WRITES.has(fn) || (ref.module === 'fs-extra' && FS_EXTRA_WRITES.has(fn))) return `${ref.module === 'fs/promises' || ref.path[0] === 'promises' ? 'fs.promises' : ref.module === 'fs-extra' ? 'fs-extra' : 'fs'}.${fn}`;
  return undefined;
}

/**
 * The path expression mentions `os.tmpdir()`: directly, through a `const` (its initializer), a
 * `let` or `var` (every value assigned to it besides `null`/`undefined`), or a parameter of a private
 * method or a non-exported function that every call in this file passes such a path (teable's
 * `tempFilePath = join(tmpdir(), name); await this.downloadFile(url, tempFilePath)`). Each variable
 * and parameter is judged once per file; one reached again while it is being judged (a recursive
 * method) or beyond a few steps is not under the temp directory, so the write stays flagged.
 */
function underTmpdir(expr: ts.Expression | undefined, helpers: Helpers, depth = 0): boolean {
  if (!expr || depth > 4) return false;
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(n)) {
      const ref = helpers.calleeOf(n);
      if (ref?.kind === 'module' && ref.module === 'os' && ref.path[ref.path.length - 1] === 'tmpdir') found = true;
    }
    if (ts.isIdentifier(n)) {
      const decl = helpers.declarationOf(n);
      if (decl && (ts.isVariableDeclaration(decl) || ts.isParameter(decl)) && judged(decl, helpers, depth + 1)) found = true;
    }
    ts.forEachChild(n, visit);
  };
  visit(expr);
  return found;
}

/** Verdicts by declaration (`null`: being judged). */
const verdicts = new WeakMap<ts.Node, boolean | null>();

function judged(decl: ts.VariableDeclaration | ts.ParameterDeclaration, helpers: Helpers, depth: number): boolean {
  const kept = verdicts.get(decl);
  if (kept !== undefined) return kept === true;
  verdicts.set(decl, null);
  let verdict: boolean;
  if (ts.isParameter(decl)) verdict = passedUnderTmpdir(decl, helpers, depth);
  else if (decl.parent.flags & ts.NodeFlags.Const) verdict = !!decl.initializer && underTmpdir(decl.initializer, helpers, depth);
  else verdict = assignedUnderTmpdir(decl, helpers, depth);
  verdicts.set(decl, verdict);
  return verdict;
}

/** `id` is written: assigned (plainly or not), a destructuring or for-in/of target, or incremented. */
function writeOf(id: ts.Identifier): 'assign' | 'other' | undefined {
  let top: ts.Node = id;
  while (
    ts.isParenthesizedExpression(top.parent) ||
    ts.isArrayLiteralExpression(top.parent) ||
    ts.isObjectLiteralExpression(top.parent) ||
    ts.isShorthandPropertyAssignment(top.parent) ||
    (ts.isPropertyAssignment(top.parent) && top.parent.initializer === top) ||
    ts.isSpreadElement(top.parent) ||
    ts.isSpreadAssignment(top.parent)
  ) {
    top = top.parent;
  }
  const parent = top.parent;
  if (ts.isBinaryExpression(parent) && parent.left === top && parent.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && parent.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
    return top === id && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken ? 'assign' : 'other';
  }
  if ((ts.isForOfStatement(parent) || ts.isForInStatement(parent)) && parent.initializer === top) return 'other';
  if ((ts.isPrefixUnaryExpression(parent) || ts.isPostfixUnaryExpression(parent)) && (parent.operator === ts.SyntaxKind.PlusPlusToken || parent.operator === ts.SyntaxKind.MinusMinusToken)) return 'other';
  return undefined;
}

/** A `let`/`var` whose every assigned value (and initializer) is under `os.tmpdir()` or nothing, at least one under it. */
function assignedUnderTmpdir(decl: ts.VariableDeclaration, helpers: Helpers, depth: number): boolean {
  if (!ts.isIdentifier(decl.name)) return false;
  const name = decl.name;
  const values: ts.Expression[] = decl.initializer && !isNullishLiteral(decl.initializer) ? [decl.initializer] : [];
  let other = false;
  const visit = (n: ts.Node): void => {
    if (other) return;
    if (ts.isIdentifier(n) && n !== name && n.text === name.text && helpers.declarationOf(n) === decl) {
      const write = writeOf(n);
      if (write === 'other') other = true;
      else if (write === 'assign') {
        const right = (n.parent as ts.BinaryExpression).right;
        if (!isNullishLiteral(right)) values.push(right);
      }
    }
    ts.forEachChild(n, visit);
  };
  // A `var` is visible in its whole function, a `let` in its block: both inside the enclosing function (or the file).
  visit(helpers.enclosingFunction(decl) ?? decl.getSourceFile());
  return !other && values.length > 0 && values.every((v) => underTmpdir(v, helpers, depth));
}

/**
 * A parameter of a private instance method (or a non-exported function) of this file whose every call
 * here passes a path under `os.tmpdir()`; nothing else may use the function: any other reference to
 * it (a callback, `.bind`, `this[name]`) keeps the write flagged.
 */
function passedUnderTmpdir(param: ts.ParameterDeclaration, helpers: Helpers, depth: number): boolean {
  const fn = param.parent;
  const index = fn.parameters.indexOf(param);
  if (param.dotDotDotToken || index < 0 || !ts.isIdentifier(param.name)) return false;
  let within: ts.Node;
  let refersToFn: (n: ts.Node) => boolean;
  if (ts.isMethodDeclaration(fn) && !hasModifier(fn, ts.SyntaxKind.StaticKeyword) && (ts.isPrivateIdentifier(fn.name) || (ts.isIdentifier(fn.name) && hasModifier(fn, ts.SyntaxKind.PrivateKeyword)))) {
    const name = fn.name.text;
    within = fn.parent;
    refersToFn = (n) =>
      (ts.isPropertyAccessExpression(n) && n.expression.kind === ts.SyntaxKind.ThisKeyword && n.name.text === name) ||
      (ts.isElementAccessExpression(n) && n.expression.kind === ts.SyntaxKind.ThisKeyword);
  } else if (ts.isFunctionDeclaration(fn) && fn.name && !hasModifier(fn, ts.SyntaxKind.ExportKeyword)) {
    within = fn.getSourceFile();
    refersToFn = (n) => ts.isIdentifier(n) && n !== fn.name && helpers.declarationOf(n) === fn;
  } else {
    return false;
  }
  const args: ts.Expression[] = [];
  let other = false;
  const visit = (n: ts.Node): void => {
    if (other) return;
    if (refersToFn(n)) {
      const call = ts.isCallExpression(n.parent) && n.parent.expression === n ? n.parent : undefined;
      const arg = call?.arguments[index];
      if (!call || !arg || ts.isElementAccessExpression(n) || call.arguments.slice(0, index + 1).some(ts.isSpreadElement)) other = true;
      else args.push(arg);
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(within);
  return !other && args.length > 0 && args.every((a) => underTmpdir(a, helpers, depth));
}

export default defineFileRule({
  id: 'no-local-file-storage',
  category: 'scalability',
  severity: 'medium',
  recommended: true,
  defaultOptions: {},
  messages: {
    multerDest: '`multer({ dest })` stores uploads on this instance\'s disk, which is lost on redeploy and not shared between instances: use memory storage and stream to object storage (multer-s3, S3, GCS)',
    multerDisk: '`multer.diskStorage(…)` stores uploads on this instance\'s disk, which is lost on redeploy and not shared between instances: stream them to object storage (multer-s3, S3, GCS)',
    formidable: 'formidable with `uploadDir` stores uploads on this instance\'s disk, which is lost on redeploy and not shared between instances: stream them to object storage',
    move: '`{{call}}(…)` moves an upload onto this instance\'s disk during a request, which is lost on redeploy and not shared between instances: put it in object storage (S3, GCS)',
    write: '`{{call}}` writes to this instance\'s disk during a request, which is lost on redeploy and not shared between instances: keep user data in object storage or the database (or under `os.tmpdir()` for scratch files)',
  },
  docs: {
    description: 'Disallow storing uploads and user data on the local disk of a server instance.',
    why:
      'Containers and most platforms give each instance its own ephemeral disk. An upload written there disappears on the ' +
      'next deploy or restart, and with two instances behind a load balancer, a download served by the other instance ' +
      'returns 404. Disks also fill up silently. Files a request writes and reads back as scratch space belong under `os.tmpdir()` ' +
      '(where `multer.diskStorage` without a `destination` puts them: not flagged).',
    fix:
      'Keep uploads in memory (`multer.memoryStorage()`) or stream them, and put them in object storage (S3, GCS, Azure Blob: ' +
      '`multer-s3`, `@aws-sdk/lib-storage`); keep user data in the database.',
    sites: 'upload set-ups and file writes in request handling',
    examples: {
      invalid: [
        {
          filename: 'src/routes/avatars.ts',
          code:
            "import { Router } from 'express';\nimport multer from 'multer';\n\nconst upload = multer({ dest: 'uploads/avatars' });\nexport const avatarsRouter = Router();\n\n" +
            "avatarsRouter.post('/', upload.single('avatar'), (req, res) => {\n  res.status(201).json({ file: req.file?.filename });\n});\n",
        },
      ],
      valid: [
        {
          filename: 'src/routes/avatars.ts',
          code:
            "import { Router } from 'express';\nimport multer from 'multer';\nimport { putObject } from '../storage';\n\nconst upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: 2_000_000 } });\nexport const avatarsRouter = Router();\n\n" +
            "avatarsRouter.post('/', upload.single('avatar'), async (req, res) => {\n  const key = await putObject(`avatars/${req.params.userId}`, req.file!.buffer);\n  res.status(201).json({ key });\n});\n",
        },
      ],
    },
  },
  create(context) {
    const { helpers } = context;
    const { roles } = context.file;
    if (roles.has('test') || roles.has('cli') || roles.has('browser')) return {};
    const model = () => handlerModelOf(context);

    const isMulter = (expr: ts.Expression, ...path: string[]) => {
      const ref = helpers.referenceOf(expr);
      return ref?.kind === 'module' && !ref.resolved && ref.module === 'multer' && ref.path.length === path.length && ref.path.every((p, i) => p === path[i]);
    };

    return {
      CallExpression(call: ts.CallExpression) {
        const callee = unwrap(call.expression);
        // multer({ dest }) / multer({ storage: multer.diskStorage(…) })
        if (isMulter(callee)) {
          context.countSite(call);
          const options = call.arguments[0];
          const dest = helpers.property(options, 'dest');
          if (dest.kind === 'found' && !underTmpdir(dest.value, helpers)) context.report({ node: call, messageId: 'multerDest' });
          return;
        }
        if (isMulter(callee, 'diskStorage')) {
          const destination = helpers.property(call.arguments[0], 'destination');
          if (destination.kind === 'found' && destination.value && underTmpdir(destination.value, helpers)) return;
          // No `destination` at all: multer writes to the OS temp directory (its documented default).
          if (destination.kind === 'missing' && call.arguments[0]) return;
          context.report({ node: call, messageId: 'multerDisk' });
          return;
        }
        // formidable({ uploadDir }) / formidable.formidable(…) / new IncomingForm({ uploadDir }) is handled below
        const ref = helpers.calleeOf(call);
        if (ref?.kind === 'module' && !ref.resolved && ref.module === 'formidable') {
          formidableOptions(call.arguments[0], call);
          return;
        }
        // fs writes and express-fileupload's `mv` during a request
        const write = fsWrite(call, helpers);
        const move = !write && ts.isPropertyAccessExpression(callee) && callee.name.text === 'mv' && readsUploadedFile(callee.expression) ? 'mv' : undefined;
        if (!write && !move) return;
        if (!model().requestContext(call)) return;
        context.countSite(call);
        // copyFile/rename/cp/move write to their second argument
        const target = call.arguments[write && /\.(copyFile|rename|cp|move)/.test(write) ? 1 : 0];
        if (underTmpdir(target, helpers)) return;
        if (write) context.report({ node: call, messageId: 'write', data: { call: write } });
        else context.report({ node: call, messageId: 'move', data: { call: callee.getText(context.file.sourceFile) } });
      },
      NewExpression(node: ts.NewExpression) {
        const ref = helpers.referenceOf(node.expression);
        if (ref?.kind === 'module' && !ref.resolved && ref.module === 'formidable' && ref.path[ref.path.length - 1] === 'IncomingForm') formidableOptions(node.arguments?.[0], node);
      },
    };

    function formidableOptions(options: ts.Expression | undefined, at: ts.Node) {
      context.countSite(at);
      const dir = helpers.property(options, 'uploadDir');
      if (dir.kind === 'found' && !underTmpdir(dir.value, helpers)) context.report({ node: at, messageId: 'formidable' });
    }

    /** `req.files.avatar` / `files.avatar` of express-fileupload: a member chain through `files`. */
    function readsUploadedFile(expr: ts.Expression): boolean {
      for (let e = unwrap(expr); ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e); e = unwrap(e.expression)) {
        if (ts.isPropertyAccessExpression(e) && e.name.text === 'files') return true;
      }
      return false;
    }
  },
});
