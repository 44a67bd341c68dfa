/**
 * A message the server acknowledged survives a kill -9 of the server. The real CLI serves a
 * SQLite file; messages stream in, the process is killed mid-stream, restarted on the same file, and
 * every acknowledged message must be there exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { involvement, testNhs } from './support/messages.js';
import type { InvolvementMessage } from '../mocks/contactpoint/schemas.js';
import { ensureBuilt, BIN, ROOT } from './support/build.js';

const CONTROL = 'x';

// ---------------------------------------------------------------------------------------------

interface Served {
  proc: ChildProcess;
  url: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();

async function serve(data: string): Promise<Served> {
  const proc = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data', data, '--dataset', 'empty', '--control-token', CONTROL], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(proc);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => {
      running.delete(proc);
      resolve({ code, signal });
    }),
  );
  let out = '';
  let err = '';
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start in 15 s\n${out}\n${err}`)), 15_000);
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ContactPoint\s+(http:\/\/[^\s/]+)\/contactpoint\/v1/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    void exited.then(({ code }) => reject(new Error(`serve exited (${code}) before listening\n${out}\n${err}`)));
  });
  return { proc, url, exited };
}

async function call(url: string, method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Runs fn over items with `width` in flight. */
async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ics-durability-'));
  await ensureBuilt();
}, 120_000);

afterAll(() => {
  for (const p of running) p.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('durability of acknowledged messages', () => {
  it('every message acknowledged before a kill -9 is there exactly once after a restart', async () => {
    const data = join(dir, 'session.sqlite');
    const first = await serve(data);

    const MAX = 1500;
    const IN_FLIGHT = 8;
    // Distinct NHS numbers (testNhs(n) skips invalid stems, so testNhs(n) and testNhs(n + 1) can be equal).
    const messages: InvolvementMessage[] = [];
    for (let stem = 20_000; messages.length < MAX;) {
      const nhsNumber = testNhs(stem);
      stem = Number(nhsNumber.slice(3, 9)) + 1;
      messages.push(involvement({ child: { identifiers: { nhsNumber } } }));
    }
    const acked = new Map<string, { msg: InvolvementMessage; receipt: any }>();
    const attempted: InvolvementMessage[] = [];
    let killed = false;
    let inFlightAtKill = 0;
    let inFlight = 0;
    const started = Date.now();
    const kill = () => {
      if (killed) return;
      killed = true;
      inFlightAtKill = inFlight;
      first.proc.kill('SIGKILL');
    };

    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (!killed && next < MAX) {
          const msg = messages[next++]!;
          attempted.push(msg);
          inFlight++;
          try {
            const res = await call(first.url, 'POST', '/contactpoint/v1/involvements', 'demo-ics', msg);
            if (res.status === 202) acked.set(msg.messageId, { msg, receipt: res.body });
            else throw new Error(`unexpected ${res.status}: ${JSON.stringify(res.body)}`);
          } catch (err) {
            if (!killed) throw err;
          } finally {
            inFlight--;
          }
          // Kill mid-stream: the other workers' requests are still in flight.
          if (acked.size >= MAX * 0.4 || Date.now() - started > 3000) kill();
        }
      }),
    );
    kill();
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(acked.size).toBeGreaterThan(50);
    expect(inFlightAtKill).toBeGreaterThan(0);

    const second = await serve(data);
    try {
      // Every acknowledged message's child is held, once.
      const { body } = await call(second.url, 'GET', '/control/v1/sessions/default/contactpoint/children', CONTROL);
      const byFamily = new Map<string, string[]>();
      for (const c of body.children as Array<{ contactPointId: string; identity: any }>)
        byFamily.set(c.identity.name.family, [...(byFamily.get(c.identity.name.family) ?? []), c.contactPointId]);
      const missing: string[] = [];
      for (const { msg, receipt } of acked.values()) {
        const held = byFamily.get(msg.child.name.family) ?? [];
        if (held.length !== 1 || held[0] !== receipt.contactPointId)
          missing.push(`${msg.messageId}: ${JSON.stringify(held)} vs ${receipt.contactPointId}`);
      }
      expect(missing).toEqual([]);
      expect([...byFamily.values()].filter((ids) => ids.length > 1)).toEqual([]);
      // Nothing beyond what was sent; at most the in-flight ones may have been committed unacknowledged.
      expect(body.children.length).toBeGreaterThanOrEqual(acked.size);
      expect(body.children.length).toBeLessThanOrEqual(attempted.length);

      // Each acknowledged message reads back as the source record's latest message, and a retry gets the original receipt.
      const problems: string[] = [];
      await pool([...acked.values()], IN_FLIGHT, async ({ msg, receipt }) => {
        const rec = await call(second.url, 'GET', `/contactpoint/v1/source-records/${msg.sourceRecordId}`, 'demo-ics');
        if (rec.status !== 200 || rec.body.lastMessageId !== msg.messageId) problems.push(`read ${msg.sourceRecordId}: ${rec.status}`);
        const again = await call(second.url, 'POST', '/contactpoint/v1/involvements', 'demo-ics', msg);
        if (again.status !== 200 || again.body.repeat !== true || again.body.receiptId !== receipt.receiptId)
          problems.push(`retry ${msg.messageId}: ${again.status} ${JSON.stringify(again.body)}`);
      });
      expect(problems).toEqual([]);

      // The unacknowledged ones were either committed (a retry is a repeat) or not (a retry is new): never twice.
      const unacked = attempted.filter((m) => !acked.has(m.messageId));
      for (const msg of unacked)
        expect([200, 202]).toContain((await call(second.url, 'POST', '/contactpoint/v1/involvements', 'demo-ics', msg)).status);
      const after = await call(second.url, 'GET', '/control/v1/sessions/default/contactpoint/children', CONTROL);
      expect(after.body.children.length).toBe(attempted.length);
    } finally {
      second.proc.kill('SIGTERM');
      expect((await second.exited).code).toBe(0);
    }
  }, 60_000);
});
