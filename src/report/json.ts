// The JSON report (schema 1): the report object as the pipe built it, keys in DESIGN.md's order.
import type { Report } from '../core/types.js';

export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
