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

/**
 * The value `encode` was given, from `JSON.parse` of its encoding. Decodes in place: the parsed
 * arrays and plain objects are kept and only the encoded Maps, Sets and undefined replaced, so
 * `value` must be a fresh parse that nothing else reads (a cached entry's module facts are the
 * largest part of the per-file cache; copying them cost a one-file re-scan about 0.1 s).
 */
export function decode(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const x: unknown = value[i];
      if (x !== null && typeof x === 'object') value[i] = decode(x);
    }
    return value;
  }
  const v = value as Record<string, unknown>;
  if ('$u' in v) return undefined;
  if ('$m' in v) return new Map((v.$m as Array<[unknown, unknown]>).map(([k, x]) => [decode(k), decode(x)]));
  if ('$s' in v) return new Set((v.$s as unknown[]).map(decode));
  for (const k in v) {
    const x = v[k];
    if (x !== null && typeof x === 'object') v[k] = decode(x);
  }
  return v;
}
