// Evidence for input validation that is set up once for a whole application: NestJS's global
// `ValidationPipe` (`app.useGlobalPipes(new ValidationPipe())`, or an `APP_PIPE` provider).
import { ts } from '../../core/typescript.js';
import { unwrap } from '../../core/references.js';
import type { CollectorFactory } from './index.js';
import { mentions } from './mentions.js';
import { memoOn } from '../memo.js';
import type { ModuleFacts } from '../modules.js';

const KINDS = [ts.SyntaxKind.CallExpression, ts.SyntaxKind.ObjectLiteralExpression];

export interface ValidationEvidence {
  /** This file installs a global NestJS validation pipe. */
  globalPipe: boolean;
}

const globalPipes = new WeakMap<object, Map<string, boolean>>();

/** Some module of these (a package's `modules`, or `repositoryModules`) installs a global validation pipe. */
export function installsGlobalValidationPipe(modules: ReadonlyMap<string, ModuleFacts>): boolean {
  return memoOn(globalPipes, modules, 'globalValidationPipe', () => [...modules.values()].some((m) => m.evidence.validation?.globalPipe));
}

export const validationCollector: CollectorFactory = (context) => {
  let globalPipe = false;
  const isValidationPipe = (e: ts.Expression | undefined) => {
    if (!e) return false;
    const v = unwrap(e);
    const cls = ts.isNewExpression(v) ? v.expression : v;
    const ref = context.referenceOf(cls);
    return ref?.kind === 'module' && ref.module === '@nestjs/common' && ref.path[0] === 'ValidationPipe';
  };
  return {
    // Both set-ups need a ValidationPipe imported from @nestjs/common: other files cannot have one.
    kinds: mentions(context.sourceFile, ['@nestjs/common']) ? KINDS : [],
    visit(node) {
      if (globalPipe) return;
      // app.useGlobalPipes(new ValidationPipe({ whitelist: true }))
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'useGlobalPipes') {
        globalPipe = node.arguments.some(isValidationPipe);
      }
      // { provide: APP_PIPE, useClass: ValidationPipe } / useValue: new ValidationPipe()
      if (ts.isObjectLiteralExpression(node)) {
        const prop = (name: string) => node.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === name)?.initializer;
        const provide = prop('provide');
        const ref = provide ? context.referenceOf(provide) : null;
        if (ref?.kind === 'module' && ref.module === '@nestjs/core' && ref.path[0] === 'APP_PIPE') globalPipe = isValidationPipe(prop('useClass')) || isValidationPipe(prop('useValue'));
      }
    },
    finish(evidence) {
      evidence.validation = { globalPipe };
    },
  };
};
