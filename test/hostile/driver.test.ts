/** HttpDriver's bounds on its own: a hanging system, the circuit breaker, the answer cap, an interrupt. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HttpDriver, SutAnswerError, SutUnreachableError } from '../../src/harness/engine/driver.js';
import { startFakeSut, streamHuge, type FakeSut } from './fake-sut.js';

let sut: FakeSut | undefined;
afterEach(async () => {
  await sut?.close();
  sut = undefined;
});

describe('HttpDriver', () => {
  it('a system that never answers: each call ends at its timeout, and after 3 the breaker fails every call at once', async () => {
    sut = await startFakeSut(() => true); // takes every request and never answers
    const d = new HttpDriver(sut.url, { timeoutMs: 200 });
    for (let i = 0; i < 3; i++) await expect(d.deliveries()).rejects.toThrow(/no answer within 200 ms/);
    expect(d.circuitOpen()).toMatch(/circuit breaker open: 3 driver calls in a row failed.*no answer within 200 ms/);
    const t0 = performance.now();
    await expect(d.deliveries()).rejects.toBeInstanceOf(SutUnreachableError);
    expect(performance.now() - t0).toBeLessThan(50);
    expect(sut.calls).toHaveLength(3);
  });

  it('a good answer between failures closes the count again; 4xx answers are answers, not failures', async () => {
    let n = 0;
    sut = await startFakeSut((_req, res) => {
      const status = [500, 500, 200, 500, 500, 404, 404, 404][n++] ?? 200;
      res.writeHead(status, { 'content-type': 'application/json' }).end(status === 200 ? '{"deliveries":[]}' : '{}');
      return true;
    });
    const d = new HttpDriver(sut.url);
    for (let i = 0; i < 8; i++) await d.call('GET', '/driver/v1/deliveries');
    expect(d.circuitOpen()).toBeUndefined();
  });

  it('reads no more than maxAnswerBytes of an answer, with or without a Content-Length', async () => {
    sut = await startFakeSut((req, res) => {
      if (req.path.endsWith('/declared')) {
        res.writeHead(200, { 'content-length': String(10_000) }).end('x'.repeat(10_000));
        return true;
      }
      return streamHuge(res, 50 * 1024 * 1024);
    });
    const d = new HttpDriver(sut.url, { maxAnswerBytes: 4096 });
    const seen: unknown[] = [];
    d.sink = (e) => seen.push(e.responseBody);
    await expect(d.call('GET', '/driver/v1/deliveries')).rejects.toThrow(/answered more than 4096 bytes/);
    await expect(d.call('GET', '/driver/v1/declared')).rejects.toBeInstanceOf(SutAnswerError);
    expect(String(seen[0])).toMatch(/answer over 4096 bytes: reading stopped/);
    expect(String(seen[0]).length).toBeLessThan(4096 + 100);
  });

  it("validates a 2xx answer against its operation's schema; an extra field is refused, a 4xx body is left to the test", async () => {
    sut = await startFakeSut((req, res) => {
      const body = req.path.endsWith('/children') ? '{"childRef":"C1","extra":true}' : '{"title":"nope"}';
      res.writeHead(req.path.endsWith('/children') ? 201 : 422, { 'content-type': 'application/json' }).end(body);
      return true;
    });
    const d = new HttpDriver(sut.url);
    await expect(d.call('POST', '/driver/v1/children', {})).rejects.toThrow(/registerChild: \/ must NOT have additional properties/);
    await expect(d.call('POST', '/driver/v1/children/C1/involvements', {})).resolves.toMatchObject({ status: 422 });
  });

  it('an aborted run fails every call at once, and counts no failure against the system', async () => {
    sut = await startFakeSut(() => true);
    const ac = new AbortController();
    const d = new HttpDriver(sut.url, { signal: ac.signal });
    const pending = d.deliveries();
    setTimeout(() => ac.abort('SIGINT'), 50);
    await expect(pending).rejects.toThrow(/the run was interrupted \(SIGINT\)/);
    await expect(d.deliveries()).rejects.toThrow(/interrupted/);
    expect(d.circuitOpen()).toBeUndefined();
  });

  it('a timed-out call prints nothing (no colours, no bodies), and its error carries no request body', async () => {
    sut = await startFakeSut(() => true);
    const d = new HttpDriver(sut.url, { timeoutMs: 150 });
    const written: string[] = [];
    const spies = [process.stdout, process.stderr].map((s) =>
      vi.spyOn(s, 'write').mockImplementation((c: string | Uint8Array) => (written.push(String(c)), true)),
    );
    const secretBody = { exportId: 'x', episode: { caseNote: 'A very private case note' } };
    let message = '';
    try {
      await d.call('POST', '/driver/v1/local-ecaf/transfers', secretBody).catch((err: Error) => (message = err.message));
    } finally {
      for (const s of spies) s.mockRestore();
    }
    expect(written).toEqual([]);
    expect(message).toMatch(/no answer within 150 ms/);
    expect(message).not.toMatch(/private case note/);
  });

  it('no suite or harness module calls the SUT through pactum (which colours its output and prints whole bodies on a timeout)', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith('.ts') && /from ['"]pactum['"]|require\(['"]pactum['"]\)/.test(readFileSync(p, 'utf8'))) offenders.push(p);
      }
    };
    for (const d of ['src', 'suites', 'reference-ics', 'mocks']) walk(d);
    expect(offenders).toEqual([]);
  });
});
