/**
 * Connection discipline under hostile clients (issue #17): a refused request's body is not read and
 * its connection is closed; slow heads and slow bodies are cut off by timeouts; one address cannot
 * hold every socket.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/mock-server/server.js';
import { involvement } from '../support/messages.js';

const PATH = '/contactpoint/v1/involvements';
let srv: RunningServer;
let port: number;

beforeAll(async () => {
  srv = await startServer({
    port: 0,
    demoSession: true,
    controlToken: 'ctl',
    limits: { headersTimeoutMs: 500, bodyTimeoutMs: 600, idleTimeoutMs: 1_500, maxConnectionsPerAddress: 40 },
  });
  port = Number(new URL(srv.url).port);
});
afterAll(() => srv.close());

interface Probe {
  socket: Socket;
  /** Everything the server sent. */
  got: () => string;
  /** Resolves with the milliseconds from connect until the server closed the socket. */
  closed: Promise<number>;
}

function open(): Promise<Probe> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let got = '';
    const start = Date.now();
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (got += d));
    // A reset after the answer is a close too.
    socket.on('error', () => undefined);
    const closed = new Promise<number>((r) => socket.on('close', () => r(Date.now() - start)));
    socket.once('connect', () => resolve({ socket, got: () => got, closed }));
    socket.once('error', reject);
  });
}

/** Keeps writing chunks of a never-ending chunked body; returns the bytes the server took. */
function flood(p: Probe): { stop: () => number } {
  const chunk = Buffer.alloc(64 * 1024, 'a');
  const frame = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
  let written = 0;
  let live = true;
  const pump = () => {
    while (live && !p.socket.destroyed && p.socket.write(frame)) written += frame.length;
    if (live && !p.socket.destroyed) p.socket.once('drain', pump);
  };
  p.socket.once('close', () => (live = false));
  pump();
  return {
    stop: () => {
      live = false;
      return written;
    },
  };
}

const chunkedHead = (path: string, auth?: string) =>
  `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth ? `Authorization: ${auth}\r\n` : ''}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;

describe('a refused request', () => {
  it.each([
    ['no token (401)', PATH, undefined, 401],
    ['an unknown path (404)', '/contactpoint/v1/nowhere', 'Bearer demo-ics', 404],
    ['a token lacking the permission (403)', PATH, 'Bearer demo-no-permissions', 403],
  ])('with %s is answered and its connection closed without reading the endless body', async (_name, path, auth, status) => {
    const p = await open();
    p.socket.write(chunkedHead(path, auth));
    const f = flood(p);
    const ms = await Promise.race([p.closed, new Promise<number>((r) => setTimeout(() => r(-1), 3_000))]);
    const written = f.stop();
    p.socket.destroy();
    expect(p.got()).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
    expect(p.got().toLowerCase()).toContain('connection: close');
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThan(3_000);
    // What the kernel's buffers took, not gigabytes.
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });

  it('over the body limit (413) is closed rather than drained', async () => {
    const p = await open();
    p.socket.write(chunkedHead(PATH, 'Bearer demo-ics'));
    const f = flood(p);
    const ms = await Promise.race([p.closed, new Promise<number>((r) => setTimeout(() => r(-1), 3_000))]);
    f.stop();
    p.socket.destroy();
    expect(p.got()).toMatch(/^HTTP\/1.1 413 /);
    expect(ms).toBeGreaterThan(0);
  });

  it('does not slow valid ingest on other connections', async () => {
    const probes = await Promise.all([open(), open(), open()]);
    for (const p of probes) {
      p.socket.write(chunkedHead(PATH));
      flood(p);
    }
    const res = await fetch(srv.url + PATH, {
      method: 'POST',
      headers: { authorization: 'Bearer demo-ics', 'content-type': 'application/json' },
      body: JSON.stringify(involvement()),
    });
    expect(res.status).toBe(202);
    await Promise.all(probes.map((p) => p.closed));
  });
});

describe('timeouts', () => {
  it('a head that never finishes is answered 408 problem+json and closed', async () => {
    const p = await open();
    p.socket.write(`POST ${PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n`);
    const timer = setInterval(() => p.socket.write('X-Slow: 1\r\n'), 100);
    const ms = await Promise.race([p.closed, new Promise<number>((r) => setTimeout(() => r(-1), 4_000))]);
    clearInterval(timer);
    p.socket.destroy();
    expect(ms).toBeGreaterThan(0);
    expect(p.got()).toMatch(/^HTTP\/1.1 408 /);
    expect(p.got()).toContain('ICS_ERR_HTTP_TIMEOUT');
  });

  it('a JSON body that trickles in is refused 408 problem+json once its time is up and its connection closed', async () => {
    const p = await open();
    const body = JSON.stringify(involvement());
    p.socket.write(
      `POST ${PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer demo-ics\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    let i = 0;
    const timer = setInterval(() => !p.socket.destroyed && p.socket.write(body[i++] ?? ''), 50);
    const ms = await Promise.race([p.closed, new Promise<number>((r) => setTimeout(() => r(-1), 4_000))]);
    clearInterval(timer);
    p.socket.destroy();
    expect(ms).toBeGreaterThan(0);
    expect(p.got()).toMatch(/^HTTP\/1.1 408 /);
    expect(p.got()).toContain('application/problem+json');
    expect(p.got()).toContain('ICS_ERR_HTTP_TIMEOUT');
  });

  it('an idle keep-alive connection is closed', async () => {
    const p = await open();
    p.socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const ms = await Promise.race([p.closed, new Promise<number>((r) => setTimeout(() => r(-1), 5_000))]);
    p.socket.destroy();
    expect(p.got()).toMatch(/^HTTP\/1.1 200 /);
    expect(ms).toBeGreaterThan(0);
  });

  it('a socket that never sends a byte is closed', async () => {
    const p = await open();
    const ms = await Promise.race([p.closed, new Promise<number>((r) => setTimeout(() => r(-1), 4_000))]);
    p.socket.destroy();
    expect(ms).toBeGreaterThan(0);
  });
});

describe('limits per client address', () => {
  it('connections over the per-address limit are closed at once; the rest are served', async () => {
    const probes = await Promise.all(Array.from({ length: 45 }, () => open()));
    const closed = await Promise.all(
      probes.map((p) => Promise.race([p.closed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 300))])),
    );
    expect(closed.filter(Boolean).length).toBe(5);
    for (const p of probes) p.socket.destroy();
  });
});
