/** SHA-256 and canonical JSON (RFC 8785, JCS), so a hash or a signature does not depend on key order or spacing. */
import { createHash } from 'node:crypto';

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * JSON with object keys sorted and undefined members left out: the bytes a hash is taken over. For
 * well-formed data it is RFC 8785 (keys in UTF-16 code unit order, ECMAScript number and string
 * serialisation, no whitespace); what signs uses jcs(), which also refuses what RFC 8785 cannot express.
 * @example canonicalJson({ b: 1, a: [2, { d: null, c: 'x' }] }) // '{"a":[2,{"c":"x","d":null}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const k of Object.keys(obj).sort()) {
    if (obj[k] === undefined) continue;
    parts.push(`${JSON.stringify(k)}:${canonicalJson(obj[k])}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * RFC 8785 (JSON Canonicalization Scheme): the exact bytes everything signed is made of. Refuses
 * non-finite numbers and lone surrogates (not I-JSON), instead of writing something another JCS
 * implementation would reject or read differently.
 * @example jcs({ b: [1e30, 4.5], a: '€' }) // '{"a":"€","b":[1e+30,4.5]}'
 */
export function jcs(value: unknown): string {
  const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
  const check = (v: unknown): void => {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`RFC 8785: ${v} is not a JSON number`);
    if (typeof v === 'string' && LONE_SURROGATE.test(v)) throw new Error('RFC 8785: a string holds a lone surrogate');
    if (Array.isArray(v)) v.forEach(check);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        check(k);
        check(x);
      }
  };
  check(value);
  return canonicalJson(value);
}
