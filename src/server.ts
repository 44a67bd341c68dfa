/** The standalone server: the mock services behind express, on loopback by default. */
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createExpressApp } from './core/adapters/express.js';
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

/**
 * Starts the mock services over HTTP (or HTTPS with `tls`). Port 0 picks a free port.
 * @example
 * const { url, mock, close } = await startServer({ port: 0, demoSession: true });
 */
export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  // Read before anything starts, so a missing PKI fails without leaving a store open.
  const tls = opts.tls ? await readServerTls(opts.tls.dir) : undefined;
  const mock = opts.mock ?? createMockServices(tls ? { ...opts, mtls: true } : opts);
  const mocks = createExpressApp(mock.pipeline);
  // Without an extension the mocks' app is the server itself: no extra layer on the hot path.
  const app = opts.extend ? express() : mocks;
  const extension = opts.extend?.(app, mock);
  if (opts.extend) app.disable('x-powered-by').use(mocks);
  const host = opts.host ?? '127.0.0.1';
  // The handshake asks for a certificate but lets every client in: the pipeline refuses a missing or
  // untrusted one in problem+json, and only on the operations that need it (docs/decisions/0008).
  const listener = tls ? createHttpsServer({ ...tls, requestCert: true, rejectUnauthorized: false }, app) : undefined;
  const server = await new Promise<Server | HttpsServer>((resolve, reject) => {
    if (listener) {
      listener.once('error', reject).listen(opts.port ?? 4010, host, () => resolve(listener.off('error', reject)));
      return;
    }
    const s = app.listen(opts.port ?? 4010, host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  server.keepAliveTimeout = 65_000;
  // A whole caseload streams through one bulk request: no overall request deadline (node's default cuts it at 5 min).
  server.requestTimeout = 0;
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
