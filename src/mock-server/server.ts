/** The standalone server: the mock services behind express, on loopback by default. */
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import express from 'express';
import { answerClientErrors, createExpressApp, DEFAULT_BODY_TIMEOUT_MS } from '../platform/adapters/express.js';
import { createMockServices, type MockServices, type MockServicesOptions } from './mock.js';
import { readServerTls } from './tls/pki.js';

export interface RunningServer {
  mock: MockServices;
  /** An https.Server when started with `tls`. */
  server: Server | HttpsServer;
  url: string;
  close(): Promise<void>;
}

export interface ServerOptions extends MockServicesOptions {
  port?: number;
  host?: string;
  mock?: MockServices;
  /**
   * Serve HTTPS with mutual TLS, from a test PKI directory (made by `ensureTestPki` or `serve --tls`).
   * ContactPoint and National eCAF then require a client certificate naming the token's client; the
   * control API and /openapi.json, /docs, /health do not. A `mock` passed in decides that itself (`mtls`).
   */
  tls?: { dir: string };
  /** Connection limits (docs/interface/contactpoint.md#connections); the defaults suit a shared server. */
  limits?: ConnectionLimits;
  /**
   * Mounts more routes (the web console, src/console) on the same server, ahead of the mocks' catch-all
   * dispatch. `listening` learns the server's URL; `close` runs before the server stops.
   */
  extend?: (app: express.Express, mock: MockServices) => ServerExtension;
}

export interface ServerExtension {
  listening?(url: string): void;
  close?(): Promise<void>;
}

/** What one client can hold of the server: time and sockets. */
export interface ConnectionLimits {
  /** The request head (line and headers) must arrive within this (408 and closed after). Default 10 s. */
  headersTimeoutMs?: number;
  /** A JSON body must arrive whole within this once the server reads it (408 problem+json after). Default 30 s. */
  bodyTimeoutMs?: number;
  /**
   * A socket with no traffic either way for this long is closed: a keep-alive connection between
   * requests, a bulk upload that stalls, a socket that never sends a byte. Default 65 s (longer than
   * the journal's 30 s long poll, which sends nothing while it waits).
   */
  idleTimeoutMs?: number;
  /** Open connections one client address may hold; more are closed at once. Default 256. */
  maxConnectionsPerAddress?: number;
}

export const DEFAULT_LIMITS: Required<ConnectionLimits> = {
  headersTimeoutMs: 10_000,
  bodyTimeoutMs: DEFAULT_BODY_TIMEOUT_MS,
  idleTimeoutMs: 65_000,
  maxConnectionsPerAddress: 256,
};

/**
 * Starts the mock services over HTTP (or HTTPS with `tls`). Port 0 picks a free port.
 * @example
 * const { url, mock, close } = await startServer({ port: 0, demoSession: true });
 */
export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  // Read before anything starts, so a missing PKI fails without leaving a store open.
  const tls = opts.tls ? await readServerTls(opts.tls.dir) : undefined;
  const mock = opts.mock ?? createMockServices(tls ? { ...opts, mtls: true } : opts);
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const mocks = createExpressApp(mock.pipeline, { bodyTimeoutMs: limits.bodyTimeoutMs });
  // Without an extension the mocks' app is the server itself: no extra layer on the hot path.
  const app = opts.extend ? express() : mocks;
  const extension = opts.extend?.(app, mock);
  if (opts.extend) app.disable('x-powered-by').use(mocks);
  const host = opts.host ?? '127.0.0.1';
  const http = {
    headersTimeout: limits.headersTimeoutMs,
    // A whole caseload streams through one bulk request: no overall request deadline (node's default
    // cuts it at 5 min); a JSON body has bodyTimeoutMs, and a stalled upload the idle timeout.
    requestTimeout: 0,
    keepAliveTimeout: limits.idleTimeoutMs,
    // How often node looks for heads past headersTimeout (default 30 s, which would let a slow head live 40 s).
    connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
  };
  // The handshake asks for a certificate but lets every client in: the pipeline refuses a missing or
  // untrusted one in problem+json, and only on the operations that need it (docs/decisions/0008).
  const server: Server | HttpsServer = tls
    ? createHttpsServer({ ...tls, ...http, requestCert: true, rejectUnauthorized: false }, app)
    : createHttpServer(http, app);
  server.timeout = limits.idleTimeoutMs;
  answerClientErrors(server);
  limitPerAddress(server, limits.maxConnectionsPerAddress);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject).listen(opts.port ?? 4010, host, () => resolve(void server.off('error', reject)));
    });
  } catch (err) {
    // A port in use: release what was opened (the store and its lock, the prepare worker) so the caller can say so and exit.
    await extension?.close?.();
    if (!opts.mock) mock.close();
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  const url = `${tls ? 'https' : 'http'}://${host}:${port}`;
  extension?.listening?.(url);
  return {
    mock,
    server,
    url,
    close: async () => {
      await extension?.close?.();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          if (!opts.mock) mock.close();
          resolve();
        });
      });
    },
  };
}

/** Closes a client address's connections over `max` as they open, so one client cannot take every socket. */
function limitPerAddress(server: Server | HttpsServer, max: number): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const addr = socket.remoteAddress ?? '';
    const n = (open.get(addr) ?? 0) + 1;
    if (n > max) {
      socket.destroy();
      return;
    }
    open.set(addr, n);
    socket.once('close', () => {
      const left = (open.get(addr) ?? 1) - 1;
      if (left > 0) open.set(addr, left);
      else open.delete(addr);
    });
  });
}
