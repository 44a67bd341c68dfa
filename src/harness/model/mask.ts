/**
 * Credentials never reach the evidence: values under credential-like keys, credential-like query
 * parameters, bearer tokens and the mock services' token formats are replaced by "***", and every
 * secret found that way is also blanked wherever else it appears (a check message, a URL, a body).
 */

export const MASK = '***';

/** Keys whose string values are credentials. */
const SECRET_KEY = /(token|secret|password|passwd|api[-_]?key|authorization|cookie|credential|private[-_]?key|client[-_]?secret)/i;
/** Query parameters that carry credentials (OAuth's access_token, and friends). */
const SECRET_PARAM = /^(access[-_]?token|refresh[-_]?token|id[-_]?token|token|api[-_]?key|apikey|secret|client[-_]?secret|password)$/i;
/** Credential-looking strings anywhere: the mocks' client and control tokens, JWTs, bearer headers. */
const SECRET_PATTERNS: RegExp[] = [
  /\b(?:ics|ctl)_[A-Za-z0-9_-]{16,}/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
  /(?<=\bBearer\s+)(?!\*\*\*)[A-Za-z0-9._~+/=-]{8,}/gi,
];

/** Masks query parameters that carry credentials, in a URL or a path with a query. */
export function maskUrl(url: string, found?: Set<string>): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hashAt = url.indexOf('#', q);
  const query = url.slice(q + 1, hashAt < 0 ? undefined : hashAt);
  const masked = query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      let name = pair.slice(0, eq);
      try {
        name = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // keep it as it came
      }
      if (!SECRET_PARAM.test(name)) return pair;
      const raw = pair.slice(eq + 1);
      if (raw && raw !== MASK) {
        found?.add(raw);
        try {
          found?.add(decodeURIComponent(raw.replace(/\+/g, ' ')));
        } catch {
          // the raw form is enough
        }
      }
      return `${pair.slice(0, eq)}=${MASK}`;
    })
    .join('&');
  return url.slice(0, q + 1) + masked + (hashAt < 0 ? '' : url.slice(hashAt));
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/**
 * The other forms a system might echo a secret in: base64 (standard and URL-safe, at any of the three
 * alignments it can take inside a longer base64 text, such as a Basic credential), percent-encoded
 * (any mix of encoded and plain characters), split by whitespace, quotes, plus signs, commas, pipes or
 * escaped line breaks, and a half or more of it on its own (the other half sent elsewhere).
 */
export function secretForms(secret: string): { literals: string[]; pattern: RegExp | undefined } {
  const bytes = Buffer.from(secret, 'utf8');
  const literals = new Set<string>();
  for (let k = 0; k < 3; k++) {
    // k bytes before the secret: only the characters made of its bytes alone are fixed.
    const enc = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    const fixed = enc.slice(k === 0 ? 0 : k + 1, Math.floor(((k + bytes.length) * 8) / 6));
    if (fixed.length >= 8) {
      literals.add(fixed);
      literals.add(fixed.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  if (secret.length >= 16)
    for (let n = Math.ceil(secret.length / 2); n < secret.length; n++) {
      literals.add(secret.slice(0, n));
      literals.add(secret.slice(secret.length - n));
    }
  literals.delete(secret);
  const chars = [...secret];
  const sep = `(?:\\s|["'+,|]|\\\\[nrt]|%(?:20|0[9aAdD]|2[bB]|2[cC]))*`;
  const one = (c: string) => {
    const hex = [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
    return `(?:${escapeRe(c)}|${hex.replace(/%([0-9a-f])([0-9a-f])/g, (_m, a: string, b: string) => `%[${a}${a.toUpperCase()}][${b}${b.toUpperCase()}]`)})`;
  };
  const pattern = secret.length >= 8 ? new RegExp(chars.map(one).join(sep), 'g') : undefined;
  return { literals: [...literals].sort((a, b) => b.length - a.length), pattern };
}

const FORMS = new Map<string, ReturnType<typeof secretForms>>();
function formsOf(secret: string): ReturnType<typeof secretForms> {
  let f = FORMS.get(secret);
  if (!f) {
    f = secretForms(secret);
    // A run has a handful of secrets; a long-lived process (serve) must not grow without end.
    if (FORMS.size > 1000) FORMS.clear();
    FORMS.set(secret, f);
  }
  return f;
}

function maskString(s: string, secrets: Set<string>): string {
  let out = s;
  for (const secret of secrets) if (secret.length >= 6 && out.includes(secret)) out = out.split(secret).join(MASK);
  for (const secret of secrets) {
    if (secret.length < 8) continue;
    const { literals, pattern } = formsOf(secret);
    if (pattern) out = out.replace(pattern, MASK);
    for (const l of literals) if (out.includes(l)) out = out.split(l).join(MASK);
  }
  for (const re of SECRET_PATTERNS) out = out.replace(re, MASK);
  if (out.includes('?')) out = maskUrl(out);
  return out;
}

function collect(value: unknown, secrets: Set<string>, key = ''): void {
  if (typeof value === 'string') {
    if (SECRET_KEY.test(key) && value !== MASK) {
      const bearer = /^Bearer\s+(.+)$/i.exec(value);
      secrets.add(bearer ? bearer[1]! : value);
    }
    if (value.includes('?')) maskUrl(value, secrets);
    for (const re of SECRET_PATTERNS) for (const m of value.matchAll(re)) secrets.add(m[0]);
    return;
  }
  if (Array.isArray(value)) for (const v of value) collect(v, secrets, key);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) collect(v, secrets, k);
}

function apply(value: unknown, secrets: Set<string>, key = ''): unknown {
  if (typeof value === 'string') {
    if (SECRET_KEY.test(key)) return /^Bearer\s/i.test(value) ? `Bearer ${MASK}` : MASK;
    return maskString(value, secrets);
  }
  if (Array.isArray(value)) return value.map((v) => apply(v, secrets, key));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = apply(v, secrets, k);
    return out;
  }
  return value;
}

/**
 * A deep copy with every credential masked. Idempotent.
 * @example maskSecrets({ url: '/x?access_token=ics_abc123abc123abc123abc1', note: 'token ics_abc123abc123abc123abc1' })
 * // { url: '/x?access_token=***', note: 'token ***' }
 */
export function maskSecrets<T>(value: T, knownSecrets: Iterable<string> = []): T {
  const secrets = new Set<string>([...knownSecrets].filter((s) => s && s !== MASK));
  collect(value, secrets);
  // Longest first, so a secret that contains another is blanked whole.
  const ordered = new Set([...secrets].sort((a, b) => b.length - a.length));
  return apply(value, ordered) as T;
}
