// The injection kinds the taint engine (../taint.ts) tracks, one module each. The facts pass
// summarises every project function for all of them at once, and a rule reads the flows of its
// own kind. A new injection rule adds its kind here (one import, one entry).
import type { SinkKind } from '../taint.js';
import { commandSinks } from './command.js';
import { htmlSinks } from './html.js';
import { nosqlCodeSinks, nosqlSinks } from './nosql.js';
import { pathSinks } from './path.js';
import { redirectSinks } from './redirect.js';
import { sqlSinks } from './sql.js';
import { urlSinks } from './url.js';

export const SINK_KINDS: readonly SinkKind[] = [commandSinks, pathSinks, sqlSinks, nosqlSinks, nosqlCodeSinks, urlSinks, redirectSinks, htmlSinks];
