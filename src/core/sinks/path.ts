// Path sinks: a file path built from request input reads, writes or deletes files outside the
// directory the code meant (`../../etc/passwd`, an absolute path). fs and fs/promises, fs-extra,
// Express `res.sendFile`/`res.download` without a `root` option. `path.basename` keeps only the
// file name (`path.extname` only an extension); a `startsWith(root)` check after `resolve`, or
// rejecting `..` or `/`, confines it.
import { ts } from '../typescript.js';
import type { Helpers } from '../helpers.js';
import { memberName, unwrap } from '../references.js';
import type { SinkKind } from '../taint.js';

const FS_MODULES = new Set(['fs', 'fs/promises', 'fs-extra', 'graceful-fs', 'mz/fs']);
/** fs functions that take a path, by how many leading arguments are paths. */
const ONE_PATH = [
  'readFile', 'readFileSync', 'writeFile', 'writeFileSync', 'appendFile', 'appendFileSync', 'createReadStream', 'createWriteStream', 'unlink', 'unlinkSync',
  'rm', 'rmSync', 'rmdir', 'rmdirSync', 'readdir', 'readdirSync', 'mkdir', 'mkdirSync', 'open', 'openSync', 'truncate', 'truncateSync', 'opendir', 'opendirSync',
  'chmod', 'chmodSync', 'chown', 'chownSync',
  // fs-extra
  'outputFile', 'outputFileSync', 'readJson', 'readJSON', 'readJsonSync', 'writeJson', 'writeJSON', 'writeJsonSync', 'outputJson', 'outputJSON', 'outputJsonSync',
  'remove', 'removeSync', 'emptyDir', 'emptyDirSync', 'ensureFile', 'ensureFileSync', 'ensureDir', 'ensureDirSync', 'mkdirp', 'mkdirs',
];
const TWO_PATHS = ['rename', 'renameSync', 'copyFile', 'copyFileSync', 'cp', 'cpSync', 'symlink', 'symlinkSync', 'link', 'linkSync', 'copy', 'copySync', 'move', 'moveSync'];
const PATH_ARGS = new Map<string, number>([...ONE_PATH.map((n) => [n, 1] as const), ...TWO_PATHS.map((n) => [n, 2] as const)]);
const RESPONSE_METHODS = new Set(['sendFile', 'download', 'sendfile']);
/** `file.mv(dest)` of express-fileupload moves the upload to `dest`. */
const MOVE_METHOD = 'mv';

export const pathSinks: SinkKind = {
  id: 'path',
  names: new Set([...PATH_ARGS.keys(), ...RESPONSE_METHODS, MOVE_METHOD, 'send']),
  match(call, helpers) {
    if (!ts.isCallExpression(call)) return undefined;
    const callee = unwrap(call.expression);
    const ref = helpers.referenceOf(callee);
    if (ref?.kind === 'module' && !ref.resolved) {
      const name = ref.path[ref.path.length - 1] ?? '';
      const inFs = FS_MODULES.has(ref.module) && (ref.path.length === 1 || (ref.path.length === 2 && ref.path[0] === 'promises'));
      const n = PATH_ARGS.get(name);
      if (inFs && n) return { sink: `${ref.module === 'fs/promises' ? 'fs' : ref.module}.${ref.path.join('.')}`, args: call.arguments.slice(0, n) };
      // koa-send resolves the path under its `root` and rejects `..` (resolve-path): only a request-chosen root escapes.
      if ((ref.module === 'koa-send' || ref.module === '@koa/send') && ref.path.length <= 1) {
        const root = helpers.property(call.arguments[2], 'root');
        return root.kind === 'found' && root.value ? { sink: 'koa-send', args: [root.value] } : undefined;
      }
      return undefined;
    }
    const method = memberName(callee);
    if (method === MOVE_METHOD && ts.isPropertyAccessExpression(callee) && call.arguments.length >= 1) return { sink: `${unwrap(callee.expression).getText()}.mv`, args: call.arguments.slice(0, 2) };
    // res.sendFile(p) / res.download(p) of Express; `{ root }` confines the path (Fastify's reply.sendFile is rooted too).
    if (!method || !RESPONSE_METHODS.has(method) || !ts.isPropertyAccessExpression(callee)) return undefined;
    const receiver = unwrap(callee.expression).getText();
    if (/^(reply|h)$/.test(receiver) || /\breply$/.test(receiver)) return undefined;
    const [file, second, third] = call.arguments;
    if (!file) return undefined;
    const options = method === 'download' ? (second && ts.isObjectLiteralExpression(helpers.valueOf(second)) ? second : third) : second;
    if (options && helpers.property(options, 'root').kind !== 'missing') return undefined;
    return { sink: `res.${method}`, args: [file] };
  },
  sanitizes(call, helpers) {
    const ref = helpers.referenceOf(unwrap(call.expression));
    // basename keeps the last segment; extname is taken from it (`.png`), so neither holds a separator.
    if (ref?.kind === 'module' && !ref.resolved && ref.module === 'path' && ['basename', 'extname'].includes(ref.path[ref.path.length - 1] ?? '')) return true;
    if (ref?.kind === 'module' && !ref.resolved && (ref.module === 'sanitize-filename' || ref.module === 'filenamify')) return true;
    if (ref?.kind === 'global' && ref.name === 'encodeURIComponent') return true;
    // path.normalize(p).replace(/^(\.\.(\/|\\|$))+/, ''): after normalize, `..` can only lead; stripping it confines.
    const callee = unwrap(call.expression);
    const pattern = call.arguments?.[0];
    if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'replace' || !pattern || !ts.isRegularExpressionLiteral(pattern)) return false;
    const receiver = unwrap(callee.expression);
    const normalized = ts.isCallExpression(receiver) && helpers.referenceOf(receiver.expression)?.path.at(-1) === 'normalize';
    return normalized && pattern.text.startsWith('/^') && pattern.text.includes('\\.\\.');
  },
  confines(call, helpers) {
    const callee = unwrap(call.expression);
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    const method = callee.name.text;
    const arg = call.arguments[0] && unwrap(call.arguments[0]);
    const dots = !!arg && (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)) && arg.text.includes('..');
    // /\.\./.test(p)
    if (method === 'test' && arg && ts.isRegularExpressionLiteral(unwrap(callee.expression)) && unwrap(callee.expression).getText().includes('\\.\\.')) return arg;
    // p.includes('/') rejected: one path segment, no directory to climb through.
    const separator = !!arg && (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)) && (arg.text === '/' || arg.text === '\\');
    if (method === 'startsWith' || ((method === 'includes' || method === 'indexOf') && (dots || separator))) return checkedPath(callee.expression, helpers);
    return undefined;
  },
};

/** The path a check is about: `p`, or `p` of `const rel = path.relative(root, p)`. */
function checkedPath(expr: ts.Expression, helpers: Helpers): ts.Expression {
  const v = unwrap(helpers.valueOf(expr));
  if (ts.isCallExpression(v)) {
    const ref = helpers.referenceOf(v.expression);
    if (ref?.kind === 'module' && ref.module === 'path' && ref.path[ref.path.length - 1] === 'relative' && v.arguments[1]) return v.arguments[1];
  }
  return expr;
}
