// Shape checks for what the cache gives back: a stored value is used only when it has the shape the
// scan reads, down to each field (a file another build wrote, or one edited by hand, is then
// computed anew instead of failing a rule).
export const isArray = Array.isArray;
export const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !isArray(v);
export const isStrings = (v: unknown): v is string[] => isArray(v) && v.every((x) => typeof x === 'string');
export const isStringOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';
/** An object whose values are all strings (`dependencies`, `scripts`). */
export const isStringRecord = (v: unknown): v is Record<string, string> => isObject(v) && Object.values(v).every((x) => typeof x === 'string');
/** `[{ file, message }]`: problems for the report's errors. */
export const isProblems = (v: unknown): v is Array<{ file: string; message: string }> => isArray(v) && v.every((p) => isObject(p) && typeof p.file === 'string' && typeof p.message === 'string');
