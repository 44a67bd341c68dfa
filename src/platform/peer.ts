/** Who is at the other end of a TLS connection, as the mutual TLS mode needs to know it. */
import type { TLSSocket } from 'node:tls';
import type { PeerIdentity } from './http.js';

const CLIENT_URI = /(?:^|, )URI:urn:ics-conformance:client:([A-Za-z0-9._-]{1,64})(?=, |$)/;

/**
 * The client ID a certificate names: its SAN URI urn:ics-conformance:client:<id> if it has one,
 * else its subject CN. `san` is in Node's subjectaltname form ("URI:..., DNS:...").
 */
export function clientIdFromNames(san: string | undefined, cn: string | undefined): string | undefined {
  return (san && CLIENT_URI.exec(san)?.[1]) || cn || undefined;
}

/** One certificate per connection: worked out once, then reused for every request on it. */
const seen = new WeakMap<TLSSocket, PeerIdentity>();

export function peerIdentity(socket: TLSSocket): PeerIdentity {
  let peer = seen.get(socket);
  if (peer) return peer;
  const cert = socket.getPeerCertificate();
  const presented = Boolean(cert && Object.keys(cert).length > 0);
  const cn = presented ? cert.subject?.CN : undefined;
  const clientId = presented ? clientIdFromNames(cert.subjectaltname, Array.isArray(cn) ? cn[0] : cn) : undefined;
  const error = socket.authorizationError;
  peer = {
    presented,
    authorized: presented && socket.authorized,
    ...(clientId ? { clientId } : {}),
    ...(error ? { error: typeof error === 'string' ? error : ((error as NodeJS.ErrnoException).code ?? error.message) } : {}),
  };
  seen.set(socket, peer);
  return peer;
}
