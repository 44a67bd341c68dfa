/**
 * Adapter parity: the same cases through the express server and through the msw handlers, each on a
 * mock of its own, compared by outcome (status, the headers that matter, the body's shape).
 */
import { setupServer } from 'msw/node';
import { startServer } from '../../src/mock-server/server.js';
import { createHandlers, createMockServices, type MockServices } from '../../src/msw.js';
import { CONTROL } from './server.js';

export interface Outcome {
  status: number | 'dropped';
  headers: Record<string, string | null>;
  body: unknown;
}

export interface Recorded {
  raw: any;
  outcome: Outcome;
}

/** Outcomes of the earlier cases on the same transport, by name. */
export type Seen = Map<string, Recorded>;

/** Each case is a list of requests; the outcome compared is that of the last one. */
export type Cases<S> = Array<[string, (seen: Seen) => S[]]>;

const PICKED_HEADERS = ['content-type', 'retry-after', 'www-authenticate', 'allow'];

/** Sends one request; a connection the server dropped is an outcome too. `shape` reduces the body to what must match. */
export async function record(url: string, init: RequestInit, shape: (v: unknown) => unknown): Promise<Recorded> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch {
    return { raw: undefined, outcome: { status: 'dropped', headers: {}, body: undefined } };
  }
  const text = await res.text();
  const ct = res.headers.get('content-type') ?? '';
  const raw = ct.includes('ndjson')
    ? text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
    : ct.includes('json') && text
      ? JSON.parse(text)
      : text;
  return { raw, outcome: { status: res.status, headers: Object.fromEntries(PICKED_HEADERS.map((h) => [h, res.headers.get(h)])), body: shape(raw) } };
}

async function runCases<S>(base: string, cases: Cases<S>, send: (base: string, s: S) => Promise<Recorded>): Promise<Map<string, Outcome>> {
  const seen: Seen = new Map();
  const out = new Map<string, Outcome>();
  for (const [name, build] of cases) {
    let last!: Recorded;
    for (const s of build(seen)) last = await send(base, s);
    seen.set(name, last);
    out.set(name, last.outcome);
  }
  return out;
}

/** Runs the cases through express (port 0) and through msw at `mswBase`; `close` stops both. */
export async function throughBothAdapters<S>(
  mswBase: string,
  cases: Cases<S>,
  send: (base: string, s: S) => Promise<Recorded>,
): Promise<{
  viaExpress: Map<string, Outcome>;
  viaMsw: Map<string, Outcome>;
  expressMock: MockServices;
  mswMock: MockServices;
  close: () => Promise<void>;
}> {
  const expressMock = createMockServices({ demoSession: true, controlToken: CONTROL });
  const mswMock = createMockServices({ demoSession: true, controlToken: CONTROL });
  const server = await startServer({ port: 0, mock: expressMock });
  const close = async () => {
    await server.close();
    expressMock.close();
    mswMock.close();
  };
  try {
    const viaExpress = await runCases(server.url, cases, send);
    const msw = setupServer(...createHandlers({ mock: mswMock, baseUrl: mswBase }));
    msw.listen({ onUnhandledRequest: 'error' });
    try {
      return { viaExpress, viaMsw: await runCases(mswBase, cases, send), expressMock, mswMock, close };
    } finally {
      msw.close();
    }
  } catch (err) {
    await close();
    throw err;
  }
}
