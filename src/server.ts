/** The standalone server: the mock services behind express, on loopback by default. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createExpressApp } from './core/adapters/express.js';
import { createMockServices, type MockServices, type MockServicesOptions } from './mock.js';

export interface RunningServer {
  mock: MockServices;
  server: Server;
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the mock services over HTTP. Port 0 picks a free port.
 * @example
 * const { url, mock, close } = await startServer({ port: 0, demoSession: true });
 */
export async function startServer(opts: MockServicesOptions & { port?: number; host?: string; mock?: MockServices } = {}): Promise<RunningServer> {
  const mock = opts.mock ?? createMockServices(opts);
  const app = createExpressApp(mock.pipeline);
  const host = opts.host ?? '127.0.0.1';
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(opts.port ?? 4010, host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  server.keepAliveTimeout = 65_000;
  // A whole caseload streams through one bulk request: no overall request deadline (node's default cuts it at 5 min).
  server.requestTimeout = 0;
  const { port } = server.address() as AddressInfo;
  const url = `http://${host}:${port}`;
  return {
    mock,
    server,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          if (!opts.mock) mock.close();
          resolve();
        });
      }),
  };
}
