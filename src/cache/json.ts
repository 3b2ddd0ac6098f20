// JSON for cached facts: Maps, Sets and undefined survive the round trip (module facts hold all three).
export function encode(value: unknown): unknown {
  if (value === undefined) return { $u: 1 };
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Map) return { $m: [...value].map(([k, v]) => [encode(k), encode(v)]) };
  if (value instanceof Set) return { $s: [...value].map(encode) };
  if (Array.isArray(value)) return value.map(encode);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = encode(v);
  return out;
}

/** `JSON.stringify(encode(value))`, without building the encoded copy first. */
export function stringifyEncoded(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v instanceof Map ? { $m: [...v] } : v instanceof Set ? { $s: [...v] } : v === undefined ? { $u: 1 } : v));
}

export function decode(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(decode);
  const v = value as Record<string, unknown>;
  if ('$u' in v) return undefined;
  if ('$m' in v) return new Map((v.$m as Array<[unknown, unknown]>).map(([k, x]) => [decode(k), decode(x)]));
  if ('$s' in v) return new Set((v.$s as unknown[]).map(decode));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = decode(x);
  return out;
}
