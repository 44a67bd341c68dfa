/** Thin adapter: the route table as an express app. All behaviour lives in the pipeline. */
import express, { type NextFunction, type Request, type Response } from 'express';
import { once } from 'node:events';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ProblemError } from '../problem.js';
import { TLSSocket } from 'node:tls';
import { responseText, type CoreRequest, type CoreResponse } from '../http.js';
import type { Pipeline } from '../pipeline.js';
import { peerIdentity } from '../peer.js';

/** A path that WHATWG URL parsing would return unchanged, with no query: nothing to normalise or decode. */
const PLAIN_PATH = /^\/(?!\/)[A-Za-z0-9_~\-/]*$/;

export interface AdapterOptions {
  /** A JSON body must arrive whole within this many ms of the pipeline starting to read it (408 after). Default 30 s. */
  bodyTimeoutMs?: number;
}

/** docs/interface/contactpoint.md#connections: the documented default. */
export const DEFAULT_BODY_TIMEOUT_MS = 30_000;

function toCore(req: Request, bodyTimeoutMs: number): CoreRequest {
  const headers = flatHeaders(req.headers);
  if (PLAIN_PATH.test(req.originalUrl)) return { method: req.method, path: req.originalUrl, query: {}, headers, body: req, bodyTimeoutMs };
  const url = new URL(req.originalUrl, 'http://localhost');
  return { method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers, body: req, bodyTimeoutMs };
}

/** Node's headers, used as they are unless a header came as a list (only set-cookie can). */
function flatHeaders(h: Request['headers']): Record<string, string | undefined> {
  for (const k in h) {
    if (typeof h[k] === 'string') continue;
    const out: Record<string, string | undefined> = {};
    for (const [key, v] of Object.entries(h)) out[key] = Array.isArray(v) ? v.join(', ') : v;
    return out;
  }
  return h as Record<string, string | undefined>;
}

async function send(req: Request, res: Response, out: CoreResponse): Promise<void> {
  if (out.drop) {
    req.socket.destroy();
    return;
  }
  // Answered before its body was read (refused: 401, 404, 413...): the body is not read (a client can
  // send gigabytes of it), so the connection cannot carry another request. Node closes it after the
  // answer instead of draining the body, since the answer says `Connection: close`.
  if (!req.complete) out.headers.connection = 'close';
  if (out.stream) {
    res.writeHead(out.status, out.headers);
    for await (const chunk of out.stream) {
      if (!res.write(chunk)) await once(res, 'drain');
    }
    res.end();
    return;
  }
  const payload = responseText(out);
  // A known length: node then sends the head and the body in one write instead of a chunked stream.
  // Never on 204 or 304, which have no body and must not carry Content-Length (RFC 9110).
  if (out.status === 204 || out.status === 304) {
    res.writeHead(out.status, out.headers).end();
    return;
  }
  out.headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(out.status, out.headers).end(payload);
}

/**
 * What node's own HTTP parser refuses (malformed head, bad framing, a head past 16 KiB or past its
 * timeout) never reaches the pipeline: it is answered here in problem+json, as everything else is,
 * and the connection closed.
 */
export function answerClientErrors(server: { on(event: 'clientError', l: (err: Error & { code?: string }, socket: Duplex) => void): unknown }): void {
  server.on('clientError', (err, socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const code =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? 'ICS_ERR_HTTP_HEADERS_TOO_LARGE'
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? 'ICS_ERR_HTTP_TIMEOUT'
          : 'ICS_ERR_HTTP_BAD_REQUEST';
    const { problem } = new ProblemError(code, {
      detail:
        code === 'ICS_ERR_HTTP_TIMEOUT'
          ? 'The request head did not arrive in time'
          : `node's HTTP parser refused the request (${err.code ?? err.message})`,
    });
    const body = JSON.stringify(problem);
    socket.end(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? ''}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
    // After the answer is out; a client that never reads it is not waited for long.
    setTimeout(() => socket.destroy(), 1_000).unref();
  });
}

export function createExpressApp(pipeline: Pipeline, opts: AdapterOptions = {}): express.Express {
  const bodyTimeoutMs = opts.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // One middleware dispatches through the pipeline's own route table (the same one msw uses), rather
  // than one express route per operation: express's router would only repeat the match, and walking
  // its layers cost more than the rest of the adapter (bench/, docs/benchmarks.md).
  const dispatch = (req: Request, res: Response) => {
    const core = toCore(req, bodyTimeoutMs);
    // Over HTTPS the client certificate travels with the request; the pipeline judges it (mutual TLS mode).
    if (req.socket instanceof TLSSocket) core.tls = peerIdentity(req.socket);
    pipeline
      .handle(core)
      .then((out) => send(req, res, out))
      .catch(() => req.socket?.destroy());
  };
  app.use(dispatch);
  // Anything express itself rejects is answered as the pipeline does (and the msw adapter), in problem+json.
  app.use((_err: unknown, req: Request, res: Response, _next: NextFunction) => dispatch(req, res));
  return app;
}
