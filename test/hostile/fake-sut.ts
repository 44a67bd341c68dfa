/**
 * A small configurable driver API for the hostile-SUT tests: each behaviour answers the harness the way
 * a broken or hostile system might, and anything a behaviour does not take is proxied to a real
 * reference ICS, so a run can go on as far as the harness lets it.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeCall {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** Takes a request (true: answered) or leaves it to the proxy (false). */
export type Behaviour = (req: FakeCall, res: ServerResponse) => boolean | Promise<boolean>;

export interface FakeSut {
  url: string;
  calls: FakeCall[];
  close(): Promise<void>;
}

export async function startFakeSut(behaviour: Behaviour, proxyTo?: string): Promise<FakeSut> {
  const calls: FakeCall[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const call: FakeCall = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      calls.push(call);
      void (async () => {
        if (await behaviour(call, res)) return;
        if (!proxyTo) return void res.writeHead(404).end();
        const target = new URL(call.path, proxyTo);
        const up = httpRequest(target, { method: call.method, headers: { ...req.headers, host: target.host } }, (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        });
        up.on('error', () => res.destroy());
        up.end(call.body);
      })();
    });
    // A behaviour may stop the harness reading: the socket is simply dropped.
    res.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const json = (res: ServerResponse, status: number, body: string, type = 'application/json') => {
  res.writeHead(status, { 'content-type': type }).end(body);
  return true;
};

/** Streams `bytes` of `prefix` + filler without holding it in memory (a 100 MB answer). */
export function streamHuge(res: ServerResponse, bytes: number, prefix = '', suffix = ''): true {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write(prefix);
  const chunk = Buffer.alloc(64 * 1024, 'A');
  let left = bytes;
  const pump = () => {
    while (left > 0) {
      left -= chunk.byteLength;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    res.end(suffix);
  };
  res.on('close', () => (left = 0));
  pump();
  return true;
}

export const SYSTEM = '/driver/v1/system';
export const CONFIGURATION = '/driver/v1/configuration';

/** Behaviours from the issue, by name. */
export const BEHAVIOURS = {
  /** Every call: 307 to another origin. */
  redirectAll:
    (to: string): Behaviour =>
    (req, res) => {
      res.writeHead(307, { location: new URL(req.path, to).toString() }).end();
      return true;
    },
  /** /system answers truly (proxied); configuration (the call with the tokens) 307s to another origin. */
  redirectConfiguration:
    (to: string): Behaviour =>
    (req, res) => {
      if (req.path !== CONFIGURATION) return false;
      res.writeHead(307, { location: new URL(req.path, to).toString() }).end();
      return true;
    },
  /** Every call: 100 MB. */
  hugeEverywhere: (): Behaviour => (_req, res) => streamHuge(res, 100 * 1024 * 1024, '{"vendor":"'),
  /** /system: a 100 MB vendor name. */
  hugeVendor: (): Behaviour => (req, res) =>
    req.path === SYSTEM && streamHuge(res, 100 * 1024 * 1024, '{"vendor":"', '","product":"p","version":"1"}'),
  /** /system: a vendor that is an object with a toString member. */
  objectVendor: (): Behaviour => (req, res) => req.path === SYSTEM && json(res, 200, '{"vendor":{"toString":"x"},"product":"p","version":"1"}'),
  /** /system: a JSON string. */
  jsonString: (): Behaviour => (req, res) => req.path === SYSTEM && json(res, 200, '"just a string"'),
  /** Every call: 200 with malformed JSON. */
  malformedEverywhere: (): Behaviour => (_req, res) => json(res, 200, '{"vendor": "Acme", '),
  /** Every call: 200 with an HTML page. */
  htmlEverywhere: (): Behaviour => (_req, res) => json(res, 200, '<html><body>Welcome to nginx!</body></html>', 'text/html'),
  /** /system true, every other call HTML (a proxy that lost its backend): the circuit breaker's case. */
  htmlAfterSystem: (): Behaviour => (req, res) => req.path !== SYSTEM && json(res, 200, '<html><body>502 Bad Gateway</body></html>', 'text/html'),
  /** Every call: 204. */
  noContentEverywhere: (): Behaviour => (_req, res) => {
    res.writeHead(204).end();
    return true;
  },
  /** /system claims another identity; the rest is the reference ICS. */
  claims:
    (identity: { vendor: string; product: string; version: string }, text = JSON.stringify(identity)): Behaviour =>
    (req, res) =>
      req.path === SYSTEM && json(res, 200, text),
  /** Every call: the connection is dropped. */
  resetEverywhere: (): Behaviour => (_req, res) => {
    res.socket?.destroy();
    return true;
  },
} as const;
