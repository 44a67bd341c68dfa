/** Who is asking (the pipeline's auth stage): the control token or a session's, a client's token and certificate, its permission, the practitioner. */
import type { CoreRequest, RouteDef } from './http.js';
import { ProblemError } from './problem.js';
import { sameSecret, type Client, type SessionContext, type Sessions } from './sessions.js';
import type { ServiceDescriptor } from './service.js';

export interface AuthDeps {
  sessions: Sessions;
  controlToken: string;
  mtls?: boolean | undefined;
  /** The services by name: a practitioner refusal cites the service's audit requirement. */
  services: ReadonlyMap<string, ServiceDescriptor>;
}

/**
 * The route's credentials checked, and what they name. `known` is filled as soon as the token is
 * known, so a refusal after that (403, no Practitioner-Id) is journalled in the client's session.
 */
export function authenticate(
  deps: AuthDeps,
  route: RouteDef,
  params: Record<string, string>,
  req: CoreRequest,
  known: { client?: Client; session?: SessionContext },
): { client?: Client; session?: SessionContext; practitionerId?: string } {
  const auth = route.auth;
  if (auth.kind === 'none') return {};
  const token = bearerToken(req.headers['authorization']);
  if (auth.kind === 'control') {
    if (!token)
      throw new ProblemError('ICS_ERR_AUTH_MISSING', { requirement: 'CTL-AUTH-001', headers: { 'www-authenticate': 'Bearer realm="control"' } });
    // The server's token acts on every session; a session's own control token on that session alone (docs/decisions/0016).
    const admin = sameSecret(token, deps.controlToken);
    const own = admin ? undefined : deps.sessions.sessionOfControlToken(token);
    if (!admin && !own)
      throw new ProblemError('ICS_ERR_AUTH_INVALID', {
        requirement: 'CTL-AUTH-001',
        headers: { 'www-authenticate': 'Bearer realm="control", error="invalid_token"' },
      });
    const sessionId = params.sessionId ?? (route.auth.kind === 'control' && route.auth.ownSession ? own : undefined);
    if (own && (sessionId === undefined || route.auth.kind !== 'control' || route.auth.serverOnly))
      throw new ProblemError('ICS_ERR_AUTH_FORBIDDEN', {
        detail: `A session's control token acts on its own session only (${route.method} ${route.path} needs the server's control token)`,
        requirement: 'CTL-AUTH-001',
      });
    if (sessionId !== undefined) {
      // Another session is, to a session's token, a session that does not exist.
      const session = own && own !== sessionId ? undefined : deps.sessions.get(sessionId);
      if (!session) throw new ProblemError('ICS_ERR_SESSION_NOT_FOUND', { detail: `No session "${sessionId}"` });
      return { session };
    }
    return {};
  }
  const realm = `Bearer realm="${route.service}"`;
  if (!token)
    throw new ProblemError('ICS_ERR_AUTH_MISSING', {
      requirement: 'SEC-AUTH-001',
      errors: [{ path: 'header:authorization', rule: 'credentials-required', requirement: 'SEC-AUTH-001', message: 'no bearer token' }],
      headers: { 'www-authenticate': realm },
    });
  const client = deps.sessions.authenticate(token);
  if (!client)
    throw new ProblemError('ICS_ERR_AUTH_INVALID', {
      requirement: 'SEC-AUTH-001',
      errors: [{ path: 'header:authorization', rule: 'credentials-valid', requirement: 'SEC-AUTH-001', message: 'unknown token' }],
      headers: { 'www-authenticate': `${realm}, error="invalid_token"` },
    });
  const session = deps.sessions.get(client.sessionId)!;
  known.client = client;
  known.session = session;
  // After the token, so the refusal is journalled in the client's session (docs/decisions/0008).
  if (deps.mtls) checkPeer(req, client, realm);
  if (!client.permissions.includes(auth.permission))
    throw new ProblemError('ICS_ERR_AUTH_FORBIDDEN', {
      detail: `${client.name} is not permitted "${auth.permission}" (has: ${client.permissions.join(', ') || 'none'})`,
      requirement: 'SEC-AUTH-002',
      errors: [
        {
          path: 'header:authorization',
          rule: `permission:${auth.permission}`,
          requirement: 'SEC-AUTH-002',
          message: `not permitted ${auth.permission}`,
        },
      ],
    });
  let practitionerId: string | undefined;
  if (auth.practitioner) {
    practitionerId = req.headers['practitioner-id'];
    if (!practitionerId || !/^[A-Za-z0-9._@:-]{1,64}$/.test(practitionerId)) {
      // The service's audit needs the practitioner; a route of no service cites its own requirement.
      const requirement = deps.services.get(route.service)?.practitionerRequirement ?? route.requirement;
      throw new ProblemError('ICS_ERR_PRACTITIONER_MISSING', {
        requirement,
        errors: [
          { path: 'header:practitioner-id', rule: 'practitioner-identity', requirement, message: 'missing or malformed Practitioner-Id header' },
        ],
      });
    }
  }
  return { client, session, ...(practitionerId ? { practitionerId } : {}) };
}

/**
 * Mutual TLS mode: the connection's client certificate must chain to the test CA and name the same
 * client as the bearer token. Answered here, not in the handshake, so a refusal is problem+json.
 */
function checkPeer(req: CoreRequest, client: Client, realm: string): void {
  const peer = req.tls;
  const refuse = (
    code: 'ICS_ERR_AUTH_MISSING' | 'ICS_ERR_AUTH_INVALID' | 'ICS_ERR_AUTH_FORBIDDEN',
    rule: string,
    message: string,
    headers?: Record<string, string>,
  ) =>
    new ProblemError(code, {
      detail: message,
      errors: [{ path: 'tls:client-certificate', rule, requirement: 'SEC-AUTH-001', message }],
      ...(headers ? { headers } : {}),
    });
  if (!peer?.presented)
    throw refuse(
      'ICS_ERR_AUTH_MISSING',
      'client-certificate-required',
      'No client certificate: this server requires mutual TLS. Connect with the certificate issued to your system.',
      { 'www-authenticate': realm },
    );
  if (!peer.authorized)
    throw refuse(
      'ICS_ERR_AUTH_INVALID',
      'client-certificate-trusted',
      `The client certificate is not trusted${peer.error ? ` (${peer.error})` : ''}: use one issued by this server's test CA.`,
      { 'www-authenticate': realm },
    );
  if (peer.clientId !== client.id)
    throw refuse(
      'ICS_ERR_AUTH_FORBIDDEN',
      'client-certificate-matches-token',
      `The client certificate names "${peer.clientId ?? ''}" but the token is "${client.id}"'s: send your own system's certificate and token together.`,
    );
}

/** The token of an `Authorization: Bearer <token>` header; the scheme is case-insensitive (RFC 9110 11.1). */
function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (header.startsWith('Bearer ')) return header.slice(7).trim() || undefined;
  const m = /^bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return m ? m[1] : undefined;
}
