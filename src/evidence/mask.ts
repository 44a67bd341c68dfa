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

function maskString(s: string, secrets: Set<string>): string {
  let out = s;
  for (const secret of secrets) if (secret.length >= 6 && out.includes(secret)) out = out.split(secret).join(MASK);
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
