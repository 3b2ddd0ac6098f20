// Command sinks: a shell runs the text it is given, so request input in a command line lets a
// client run commands (`; rm -rf /`, `$(curl …)`). `exec`/`execSync` always use a shell;
// `spawn`/`execFile` only with `shell: true` (then their arguments are shell text too), but a
// request-chosen program is a flaw either way. shelljs `exec` and execa's command forms too.
import { ts } from '../typescript.js';
import type { Helpers } from '../helpers.js';
import { unwrap } from '../references.js';
import type { SinkKind } from '../taint.js';

const SHELL_ALWAYS = new Set(['exec', 'execSync']);
const SHELL_OPTION = new Set(['spawn', 'spawnSync', 'execFile', 'execFileSync']);
const EXECA_COMMAND = new Set(['execaCommand', 'execaCommandSync', 'command', 'commandSync']);
const EXECA_FILE = new Set(['execa', 'execaSync']);

/** The child_process / shelljs / execa function a callee names, also through `promisify(exec)`. */
function commandFunction(callee: ts.Expression, helpers: Helpers): { module: string; name: string } | undefined {
  const ref = helpers.referenceOf(callee);
  if (ref?.kind === 'module' && !ref.resolved) {
    const name = ref.path[ref.path.length - 1] ?? (ref.module === 'execa' ? 'execa' : '');
    if (ref.module === 'child_process' && ref.path.length === 1) return { module: ref.module, name };
    if (ref.module === 'shelljs' && ref.path.length === 1 && name === 'exec') return { module: ref.module, name };
    if (ref.module === 'execa' && ref.path.length <= 1) return { module: ref.module, name };
  }
  // const execAsync = promisify(exec) / util.promisify(child_process.exec)
  const value = ts.isIdentifier(callee) ? helpers.valueOf(callee) : undefined;
  if (value && ts.isCallExpression(value) && value.arguments[0]) {
    const wrapper = helpers.referenceOf(value.expression);
    const isPromisify = wrapper?.kind === 'module' && wrapper.module === 'util' && wrapper.path[0] === 'promisify';
    if (isPromisify) return commandFunction(unwrap(value.arguments[0]), helpers);
  }
  return undefined;
}

/** `{ shell: true }` or a shell path among a spawn's options. */
function usesShell(options: ts.Expression | undefined, helpers: Helpers): boolean {
  if (!options) return false;
  const shell = helpers.property(options, 'shell');
  if (shell.kind !== 'found' || !shell.value) return false;
  const v = unwrap(shell.value);
  return v.kind !== ts.SyntaxKind.FalseKeyword && !(ts.isIdentifier(v) && v.text === 'undefined');
}

export const commandSinks: SinkKind = {
  id: 'command',
  names: new Set([...SHELL_ALWAYS, ...SHELL_OPTION, ...EXECA_COMMAND, ...EXECA_FILE, 'fork', 'execAsync', 'execPromise', 'execP', 'pExec', 'execPromisified', 'run', 'sh']),
  match(call, helpers) {
    if (!ts.isCallExpression(call)) return undefined;
    const fn = commandFunction(unwrap(call.expression), helpers);
    if (!fn) return undefined;
    const [first, second, third] = call.arguments;
    if (!first) return undefined;
    const sink = `${fn.module}.${fn.name}`;
    if (fn.module === 'shelljs' || (fn.module === 'child_process' && SHELL_ALWAYS.has(fn.name))) return { sink, args: [first] };
    if (fn.module === 'execa' && EXECA_COMMAND.has(fn.name)) return { sink, args: [first] };
    if ((fn.module === 'child_process' && (SHELL_OPTION.has(fn.name) || fn.name === 'fork')) || (fn.module === 'execa' && EXECA_FILE.has(fn.name))) {
      // spawn(file, args?, options?): the second argument is the options when it is an object literal.
      const argList = second && !ts.isObjectLiteralExpression(helpers.valueOf(second)) ? second : undefined;
      const options = argList ? third : second;
      return { sink, args: usesShell(options, helpers) && argList ? [first, argList] : [first] };
    }
    return undefined;
  },
  sanitizes(call, helpers) {
    const ref = helpers.referenceOf(unwrap(call.expression));
    if (ref?.kind === 'module' && !ref.resolved && (ref.module === 'shell-quote' || ref.module === 'shescape' || ref.module === 'shell-escape' || ref.module === 'any-shell-escape')) return true;
    if (ref?.kind === 'global' && ref.name === 'encodeURIComponent') return true;
    // new Shescape().quote(x)
    const callee = unwrap(call.expression);
    return ts.isPropertyAccessExpression(callee) && ['quote', 'quoteAll', 'escape', 'escapeAll'].includes(callee.name.text) && /shescape|shell/i.test(callee.expression.getText());
  },
};
