/**
 * Why a connection failed, in words a user can act on. fetch says only "fetch failed"; the reason
 * (ECONNREFUSED, ENOTFOUND...) is in its cause.
 */
const CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused (ECONNREFUSED): nothing is listening there',
  ENOTFOUND: 'host not found (ENOTFOUND)',
  EAI_AGAIN: 'host name lookup failed (EAI_AGAIN)',
  ECONNRESET: 'connection reset (ECONNRESET)',
  EHOSTUNREACH: 'host unreachable (EHOSTUNREACH)',
  ENETUNREACH: 'network unreachable (ENETUNREACH)',
  ETIMEDOUT: 'connection timed out (ETIMEDOUT)',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'the connection closed mid-answer',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed and not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate is not trusted',
};

/** Codes that mean no connection was made at all: nothing there to judge. */
const NO_CONNECTION = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** The code sits on the error, its cause, or an AggregateError's first error (localhost: IPv4 and IPv6 both tried). */
function codeOf(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 4 && e && typeof e === 'object'; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && CODES[code]) return code;
    const errors = (e as { errors?: unknown[] }).errors;
    e = (e as { cause?: unknown }).cause ?? (Array.isArray(errors) ? errors[0] : undefined);
  }
  return undefined;
}

/** True when the request never reached a server (refused, no such host, no route): a system that is not running. */
export function noConnection(err: unknown): boolean {
  const code = codeOf(err);
  return code !== undefined && NO_CONNECTION.has(code);
}

export function connectionFailure(err: unknown): string {
  const code = codeOf(err);
  if (code) return CODES[code]!;
  return err instanceof Error ? err.message : String(err);
}
