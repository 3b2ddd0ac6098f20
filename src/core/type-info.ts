// Type information for rules (`--types`): ONE TypeScript program, built from the scanned root's
// tsconfig.json over the very SourceFiles the rules walk. The scan's parse is handed to the
// program through its compiler host, so a file is never parsed twice; the program reads only what
// the scan does not parse itself (declaration files, files the scan ignores, node_modules types)
// and TypeScript's standard library, which ts-morph ships in memory. A rule asks through
// `context.types`, which is set only for files the program contains: every other file, and every
// call whose type is `any` (a package that is not installed), keeps the rules' syntactic knowledge.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ts } from './typescript.js';
import { UsageError } from '../config/errors.js';
import type { TypeInfo } from './types.js';

/** A tsconfig.json read and resolved (`extends`, `include`, references), before any source is parsed. */
export interface TypesConfig {
  path: string;
  /** The files the program starts from. */
  rootNames: string[];
  options: ts.CompilerOptions;
  /** What in the tsconfig weakens type information without stopping the scan (an `extends` not found, no inputs). */
  problems: string[];
}

export interface TypedProgram {
  /** Type information for a file the program contains (as this very SourceFile); undefined for any other file. */
  forFile(sourceFile: ts.SourceFile): TypeInfo | undefined;
}

/** Where the program finds the standard library: a folder that exists only in memory. */
const LIB_DIR = '/__prodcheck__/typescript/lib';

let libTexts: Map<string, string> | undefined;
const libSourceFiles = new Map<string, ts.SourceFile>();

/** The text of a standard library file (`lib.es2022.d.ts`) under LIB_DIR, from the lib files bundled with ts-morph's TypeScript. */
function libText(fileName: string): string | undefined {
  if (!fileName.startsWith(`${LIB_DIR}/`)) return undefined;
  if (!libTexts) {
    // ts-morph's TypeScript has no lib folder on disk; its own dependency holds the same version's lib files.
    const fromTsMorph = createRequire(createRequire(import.meta.url).resolve('ts-morph'));
    const common = fromTsMorph('@ts-morph/common') as { getLibFiles(): Array<{ fileName: string; text: string }> };
    libTexts = new Map(common.getLibFiles().map((f) => [f.fileName, f.text]));
  }
  return libTexts.get(fileName.slice(LIB_DIR.length + 1));
}

function messageOf(d: ts.Diagnostic): string {
  const text = ts.flattenDiagnosticMessageText(d.messageText, ' ');
  if (!d.file || d.start === undefined) return text;
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  return `${line + 1}:${character + 1} ${text}`;
}

/**
 * Reads `<root>/tsconfig.json`; a missing or unparsable one is the user's mistake (exit 2). A
 * solution-style tsconfig (no files of its own, `references` to tsconfig.app.json and
 * tsconfig.spec.json) stands for the files of the projects it references, checked as one program
 * with the options of the first of them that has files.
 */
export function readTypesConfig(root: string): TypesConfig {
  const path = join(root, 'tsconfig.json');
  if (!existsSync(path)) throw new UsageError(`--types needs a tsconfig.json at ${root}`);
  const read = ts.readConfigFile(path, (p) => ts.sys.readFile(p));
  if (read.error) throw new UsageError(`--types cannot parse ${path}: ${messageOf(read.error)}`);
  if (typeof read.config !== 'object' || read.config === null || Array.isArray(read.config)) throw new UsageError(`--types cannot parse ${path}: not a JSON object`);
  const top = ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, path);
  const references = top.fileNames.length === 0 ? (top.projectReferences ?? []) : [];
  // A solution-style tsconfig has no inputs by design: TypeScript's "no inputs" is no problem then.
  const problems = top.errors.filter((d) => references.length === 0 || d.code !== NO_INPUTS).map((d) => `--types: ${messageOf(d)}`);
  const rootNames = new Set(top.fileNames);
  let options = top.options;
  let optionsFromReference = false;
  for (const ref of references) {
    const refPath = ts.resolveProjectReferencePath(ref);
    const refRead = ts.readConfigFile(refPath, (p) => ts.sys.readFile(p));
    if (refRead.error) {
      problems.push(`--types: ${messageOf(refRead.error)}`);
      continue;
    }
    const parsed = ts.parseJsonConfigFileContent(refRead.config, ts.sys, dirname(refPath), undefined, refPath);
    problems.push(...parsed.errors.map((d) => `--types: ${messageOf(d)}`));
    for (const f of parsed.fileNames) rootNames.add(f);
    if (!optionsFromReference && parsed.fileNames.length > 0) {
      options = parsed.options;
      optionsFromReference = true;
    }
  }
  return { path, rootNames: [...rootNames], options, problems };
}

/** TypeScript's "No inputs were found in config file". */
const NO_INPUTS = 18003;

/** A value of `type` is a promise or another thenable: true; known not to be: false; `any` or unknown: undefined. */
function isThenable(checker: ts.TypeChecker, type: ts.Type, at: ts.Node): boolean | undefined {
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return undefined;
  if (type.flags & ts.TypeFlags.TypeParameter) {
    const constraint = checker.getBaseConstraintOfType(type);
    return constraint && constraint !== type ? isThenable(checker, constraint, at) : undefined;
  }
  // `Promise<T> | undefined` (an optional method's result) is a promise where it is one.
  for (const part of type.isUnion() ? type.types : [type]) {
    const then = checker.getPropertyOfType(part, 'then');
    if (then && checker.getTypeOfSymbolAtLocation(then, at).getCallSignatures().length > 0) return true;
  }
  return false;
}

/**
 * Builds the program over the scan's parsed files. `parsed` maps absolute paths (POSIX
 * separators) to the SourceFiles the rules will walk.
 */
export function buildTypedProgram(config: TypesConfig, parsed: ReadonlyMap<string, ts.SourceFile>): TypedProgram {
  const options: ts.CompilerOptions = { ...config.options, noEmit: true };
  const host = ts.createCompilerHost(options, true);
  const { fileExists, readFile, getSourceFile } = host;
  host.getSourceFile = (fileName, languageVersionOrOptions, onError, shouldCreate) => {
    const own = parsed.get(fileName);
    if (own) {
      // What the program would have given the file at parse time: its module format and whether it is a module.
      if (typeof languageVersionOrOptions === 'object') {
        (own as { impliedNodeFormat?: ts.ResolutionMode }).impliedNodeFormat = languageVersionOrOptions.impliedNodeFormat;
        languageVersionOrOptions.setExternalModuleIndicator?.(own);
      }
      return own;
    }
    const lib = libText(fileName);
    if (lib === undefined) return getSourceFile.call(host, fileName, languageVersionOrOptions, onError, shouldCreate);
    let sf = libSourceFiles.get(fileName);
    if (!sf) libSourceFiles.set(fileName, (sf = ts.createSourceFile(fileName, lib, languageVersionOrOptions, false)));
    return sf;
  };
  host.getDefaultLibLocation = () => LIB_DIR;
  host.getDefaultLibFileName = (o) => `${LIB_DIR}/${ts.getDefaultLibFileName(o)}`;
  host.fileExists = (f) => libText(f) !== undefined || fileExists.call(host, f);
  host.readFile = (f) => libText(f) ?? readFile.call(host, f);

  // References are not built or redirected to their .d.ts output: their sources are reached through imports like any other file.
  const program = ts.createProgram({ rootNames: config.rootNames, options, host });
  let checker: ts.TypeChecker | undefined;
  const info: TypeInfo = {
    returnsPromise(call) {
      checker ??= program.getTypeChecker();
      return isThenable(checker, checker.getTypeAtLocation(call), call);
    },
  };
  return {
    forFile: (sf) => (program.getSourceFile(sf.fileName) === sf ? info : undefined),
  };
}
