/**
 * The prepare worker (docs/decisions/0009): feed messages parsed, validated and prepared on a worker
 * thread must be answered, stored and journalled exactly as when they are prepared inline. The worker
 * runs only from the build (dist/), so this file builds it first and compares a built server with the
 * worker against a server that prepares inline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomUUID } from 'node:crypto';
import { ensureBuilt, ROOT } from '../support/build.js';
import { apiFor, CONTROL, type Api } from '../support/server.js';
import { startServer, type RunningServer } from '../../src/mock-server/server.js';
import { involvement, testNhs } from '../support/messages.js';
import { involvementNdjson } from '../../fixtures/population.js';
import { involvementPreparer } from '../../mocks/contactpoint/preparers.js';
import { runPreparer } from '../../src/platform/offload.js';

type Built = {
  server: typeof import('../../src/mock-server/server.js');
  offload: typeof import('../../src/platform/offload.js');
  preparers: typeof import('../../src/mock-server/preparers.js');
  mock: typeof import('../../src/mock-server/mock.js');
};
const dist = (p: string) => import(pathToFileURL(join(ROOT, 'dist', p)).href);

const msg = involvement({ child: { identifiers: { nhsNumber: testNhs(700) } } });
const texts = [
  JSON.stringify(msg),
  JSON.stringify(msg, null, 2),
  '{"messageId":',
  '[]',
  JSON.stringify({ ...msg, caseNotes: 'x' }),
  `{"__proto__":{"x":1},${JSON.stringify(msg).slice(1)}`,
  '['.repeat(40) + ']'.repeat(40),
  JSON.stringify(involvement({ child: { identifiers: { nhsNumber: '9990000019' } } })),
  JSON.stringify(involvement({ child: { dateOfBirth: '2001-01-01' } })),
  JSON.stringify(involvement({ involvement: { service: 'mental-health' } })),
  JSON.stringify(
    involvement({
      involvement: { contact: { kind: 'team', teamName: 'Team', organisation: 'Referred because of neglect', phone: '020 8359 4066' } },
    }),
  ),
];

let built: Built;
beforeAll(async () => {
  await ensureBuilt();
  built = {
    server: await dist('src/mock-server/server.js'),
    offload: await dist('src/platform/offload.js'),
    preparers: await dist('src/mock-server/preparers.js'),
    mock: await dist('src/mock-server/mock.js'),
  };
}, 120_000);

describe('PrepareWorker', () => {
  it('gives the same result as preparing inline, for valid and every kind of bad text', async () => {
    const { PrepareWorker } = built.offload;
    const w = new PrepareWorker(built.mock.prepareWorkerEntry()!, built.preparers.PREPARERS);
    try {
      const viaWorker = await w.run(involvementPreparer, texts);
      expect(w.prepared).toBe(texts.length);
      expect(JSON.parse(JSON.stringify(viaWorker))).toEqual(JSON.parse(JSON.stringify(texts.map((t) => runPreparer(involvementPreparer, t)))));
      // The cases mean what they say.
      expect(viaWorker.map((r) => (r.ok ? 'ok' : 'problem' in r ? r.problem.code : 'internal'))).toEqual([
        'ok',
        'ok',
        'ICS_ERR_HTTP_MALFORMED_JSON',
        'ICS_ERR_VALIDATION',
        'ICS_ERR_VALIDATION',
        'ICS_ERR_HTTP_FORBIDDEN_KEY',
        'ICS_ERR_HTTP_TOO_DEEP',
        'ICS_ERR_VALIDATION',
        'ok',
        'ok',
        'ok',
      ]);
      // Rule refusals travel with the prepared message, by their keys in the rules table (the directory raises them after its repeat check).
      expect(
        viaWorker.slice(8).map((r) => (r.ok ? (r.value as { refusals?: Array<{ id: string }> }).refusals?.map((e) => e.id) : undefined)),
      ).toEqual([['under-18'], ['sensitive-basis-required'], ['case-information']]);
    } finally {
      w.close();
    }
  });

  it('answers what it held inline when the worker dies, and everything after it', async () => {
    const { PrepareWorker } = built.offload;
    const w = new PrepareWorker(built.mock.prepareWorkerEntry()!, built.preparers.PREPARERS);
    try {
      const pending = w.run(involvementPreparer, texts);
      await (w as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
      const expected = JSON.parse(JSON.stringify(texts.map((t) => runPreparer(involvementPreparer, t))));
      expect(JSON.parse(JSON.stringify(await pending))).toEqual(expected);
      expect(w.running).toBe(false);
      expect(JSON.parse(JSON.stringify(await w.run(involvementPreparer, texts)))).toEqual(expected);
    } finally {
      w.close();
    }
  });
});

describe('a server with the prepare worker answers as one without', () => {
  let withWorker: RunningServer;
  let inline: RunningServer;
  beforeAll(async () => {
    withWorker = await built.server.startServer({
      port: 0,
      demoSession: true,
      controlToken: CONTROL,
      prepareWorker: true,
    });
    inline = await startServer({ port: 0, demoSession: true, controlToken: CONTROL });
  });
  afterAll(async () => {
    await withWorker?.close();
    await inline?.close();
  });

  /** The same requests in the same order to both; answers compared without what differs by design (IDs, times). */
  async function both(send: (api: Api) => Promise<{ status: number; body: any }>): Promise<{ status: number; body: any }> {
    const a = await send(apiFor(withWorker.url));
    const b = await send(apiFor(inline.url));
    const scrub = (v: unknown) => JSON.parse(JSON.stringify(v ?? null).replace(/"(receiptId|receivedAt|reviewId|instance)":"[^"]*"/g, '"$1":"-"'));
    expect({ status: a.status, body: scrub(a.body) }).toEqual({ status: b.status, body: scrub(b.body) });
    return a;
  }
  const post =
    (body: string, contentType = 'application/json') =>
    (api: Api) =>
      api.request('POST', '/contactpoint/v1/involvements', { raw: body, headers: { 'content-type': contentType } });

  it('CP-FEED-001: every kind of message, good and bad, single and bulk', async () => {
    const first = await both(post(texts[0]!));
    expect(first.status).toBe(202);
    expect((await both(post(texts[1]!))).body.repeat).toBe(true);
    for (const t of texts.slice(2)) expect((await both(post(t))).status).toBeGreaterThanOrEqual(400);
    // The same message ID with other content: the repeat check comes before the rules, on both.
    expect((await both(post(JSON.stringify({ ...msg, child: { ...msg.child, dateOfBirth: '2001-01-01' } })))).status).toBe(409);
    expect((await both(post(texts[0]!, 'text/plain'))).status).toBe(415);
    const lines = [
      involvement({ child: { identifiers: { nhsNumber: testNhs(701) } } }),
      { ...msg, messageId: randomUUID(), caseNotes: 'x' },
      involvement({ child: { dateOfBirth: '2001-01-01' } }),
    ];
    const ndjson = lines.map((l) => JSON.stringify(l)).join('\n') + '\n{"messageId":\n' + 'x'.repeat(70_000) + '\n';
    const bulk = await both(async (api) => {
      const r = await api.request('POST', '/contactpoint/v1/involvements/bulk', { raw: ndjson, headers: { 'content-type': 'application/x-ndjson' } });
      return {
        status: r.status,
        body: r.text
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l)),
      };
    });
    expect(bulk.body.map((l: any) => l.ok)).toEqual([true, false, false, false, false]);
    // The work left the main thread: the worker prepared every JSON body and every bulk line.
    expect((withWorker.mock as unknown as { prepareWorker: { prepared: number } }).prepareWorker.prepared).toBeGreaterThanOrEqual(texts.length + 5);
  });

  it('CP-FEED-011: a bulk upload of many batches answers every line in order, bad lines among them', async () => {
    const lines = [...involvementNdjson({ count: 700, seed: 77 })].map((l, i) =>
      (i % 97 === 5 ? l.replace('"sourceRecordId"', '"caseNotes":"x","sourceRecordId"') : l).trimEnd(),
    );
    const r = await both(async (api) => {
      const res = await api.request('POST', '/contactpoint/v1/involvements/bulk', {
        raw: lines.join('\n') + '\n',
        headers: { 'content-type': 'application/x-ndjson' },
      });
      return {
        status: res.status,
        body: res.text
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l)),
      };
    });
    expect(r.body.map((l: any) => l.line)).toEqual(lines.map((_, i) => i + 1));
    expect(r.body.filter((l: any) => !l.ok).map((l: any) => l.line)).toEqual(
      lines
        .map((_, i) => i)
        .filter((i) => i % 97 === 5)
        .map((i) => i + 1),
    );
  });

  it('CTL-003: both journals hold the same exchanges, the bodies shown as sent', async () => {
    const journal = async (r: RunningServer) => {
      const res = await apiFor(r.url).request('GET', '/control/v1/sessions/default/journal?limit=1000', { token: CONTROL });
      return (res.body.entries as any[]).map((e) => ({
        op: e.operationId,
        status: e.status,
        verdict: e.verdict,
        body: e.requestBody,
        problems: e.problems,
      }));
    };
    const a = await journal(withWorker);
    expect(a.length).toBeGreaterThan(10);
    expect(a).toEqual(await journal(inline));
    expect(a[0]!.body).toEqual(msg);
  });

  it('CTL-003: an in-process subscriber reads the body of a message prepared on the worker', async () => {
    const mock = withWorker.mock;
    const seen = new Promise<unknown>((resolve) => {
      const off = mock.journal.subscribe('default', (e) => {
        off();
        resolve(e.requestBody);
      });
    });
    const sent = involvement({ child: { identifiers: { nhsNumber: testNhs(702) } } });
    expect((await apiFor(withWorker.url).request('POST', '/contactpoint/v1/involvements', { body: sent })).status).toBe(202);
    expect(await seen).toEqual(sent);
  });
});
