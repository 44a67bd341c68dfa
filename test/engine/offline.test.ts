import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testServer } from '../support/server.js';
import { involvement, testNhs } from '../support/messages.js';
import { judgeCapture, loadCapture } from '../../src/harness/app/offline.js';

const statement = { vendor: 'V', product: 'P', version: '1', sourceSystemType: 'ics', capabilities: ['contactpoint-feed'] } as const;
const dir = mkdtempSync(join(tmpdir(), 'ics-offline-'));
let srv: Awaited<ReturnType<typeof testServer>>;
beforeAll(async () => {
  srv = await testServer();
});
afterAll(() => srv.close());

function har(bodies: unknown[]): string {
  return JSON.stringify({
    log: {
      entries: bodies.map((b, i) => ({
        startedDateTime: new Date(Date.UTC(2026, 10, 20, 10, 0, i)).toISOString(),
        time: 5,
        request: {
          method: 'POST',
          url: 'https://contactpoint.example/contactpoint/v1/involvements',
          headers: [{ name: 'Content-Type', value: 'application/json' }],
          postData: { mimeType: 'application/json', text: JSON.stringify(b) },
        },
        response: { status: 202 },
      })),
    },
  });
}

describe('validate (offline mode)', () => {
  it('passes a journal export of conformant traffic and fails one with case information, naming the requirement', async () => {
    await srv.control('POST', '/reset');
    await srv.api.request('POST', '/contactpoint/v1/involvements', { body: involvement({ child: { identifiers: { nhsNumber: testNhs(700) } } }) });
    const good = (await srv.control('GET', '/journal?format=ndjson')).text;
    writeFileSync(join(dir, 'good.ndjson'), good);
    const g = await loadCapture(join(dir, 'good.ndjson'));
    const ok = judgeCapture(g.entries, {
      statement: { ...statement, capabilities: [...statement.capabilities] },
      client: 'ics',
      source: 'good',
      format: g.format,
    });
    expect(ok.summary.exitCode).toBe(0);
    expect(ok.tests[0]!.status).toBe('PASSED');

    const bad = involvement() as any;
    bad.involvement.reason = 'Referred because of neglect';
    await srv.api.request('POST', '/contactpoint/v1/involvements', { body: bad });
    writeFileSync(join(dir, 'bad.ndjson'), (await srv.control('GET', '/journal?format=ndjson')).text);
    const b = await loadCapture(join(dir, 'bad.ndjson'));
    const failed = judgeCapture(b.entries, {
      statement: { ...statement, capabilities: [...statement.capabilities] },
      client: 'ics',
      source: 'bad',
      format: b.format,
    });
    expect(failed.summary.exitCode).toBe(1);
    expect(failed.tests[0]!.checks.filter((c) => c.verdict === 'fail').map((c) => c.requirement)).toContain('CP-FEED-002');
  });

  it('replays a HAR capture through a fresh mock and judges it by the same rules', async () => {
    const okMsg = involvement({ child: { identifiers: { nhsNumber: testNhs(701) } } });
    writeFileSync(join(dir, 'good.har'), har([okMsg]));
    const g = await loadCapture(join(dir, 'good.har'));
    expect(g.format).toBe('har');
    expect(
      judgeCapture(g.entries, {
        statement: { ...statement, capabilities: [...statement.capabilities] },
        client: 'ics',
        source: 'good.har',
        format: 'har',
      }).summary.exitCode,
    ).toBe(0);

    const retryWithNewContent = { ...okMsg, sentAt: '2026-11-21T10:00:00Z' };
    const adult = involvement({ child: { dateOfBirth: '2000-01-01' } });
    writeFileSync(join(dir, 'bad.har'), har([okMsg, retryWithNewContent, adult]));
    const b = await loadCapture(join(dir, 'bad.har'));
    const r = judgeCapture(b.entries, {
      statement: { ...statement, capabilities: [...statement.capabilities] },
      client: 'ics',
      source: 'bad.har',
      format: 'har',
    });
    const failing = r.tests[0]!.checks.filter((c) => c.verdict === 'fail').map((c) => c.requirement);
    expect(failing).toEqual(expect.arrayContaining(['CP-FEED-001', 'CP-FEED-005']));
  });

  it('a capture that is neither a journal nor HAR is a usage error', async () => {
    writeFileSync(join(dir, 'junk.txt'), 'not json at all\n');
    await expect(loadCapture(join(dir, 'junk.txt'))).rejects.toThrow(/not JSON/);
  });
});
