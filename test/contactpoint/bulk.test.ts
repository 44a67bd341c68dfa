/** CP-FEED-011: the bulk feed (initial load) streams NDJSON in and per-line results out. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServer } from '../support/server.js';
import { involvement, testNhs } from '../support/messages.js';
import { involvementNdjson } from '../../fixtures/population.js';
import { ndjsonLines } from '../../src/platform/ndjson.js';
import { MAX_BULK_LINE_BYTES } from '../../mocks/contactpoint/routes.js';

let srv: Awaited<ReturnType<typeof testServer>>;
beforeAll(async () => {
  srv = await testServer();
});
afterAll(() => srv.close());

const BULK = '/contactpoint/v1/involvements/bulk';
const encoder = new TextEncoder();

interface BulkAnswer {
  status: number;
  contentType: string | null;
  results: any[];
  body: any;
}

/**
 * Sends the lines as a streamed request body (chunked, `duplex: 'half'`), so the server's streaming
 * path is what runs, and reads the answer line by line as it streams back. `onFirstResult` fires when
 * the first result line arrives, while the upload may still be going on.
 */
async function bulk(
  lines: Iterable<string> | AsyncIterable<string>,
  opts: { token?: string | null; contentType?: string; chunkBytes?: number; onFirstResult?: () => void } = {},
): Promise<BulkAnswer> {
  const chunkBytes = opts.chunkBytes ?? 16 * 1024;
  async function* body(): AsyncGenerator<Uint8Array> {
    let pending = '';
    for await (const line of lines) {
      pending += line;
      while (pending.length >= chunkBytes) {
        yield encoder.encode(pending.slice(0, chunkBytes));
        pending = pending.slice(chunkBytes);
      }
    }
    if (pending) yield encoder.encode(pending);
  }
  const token = opts.token === undefined ? 'demo-ics' : opts.token;
  const res = await fetch(srv.url + BULK, {
    method: 'POST',
    headers: { 'content-type': opts.contentType ?? 'application/x-ndjson', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body(),
    duplex: 'half',
  });
  const contentType = res.headers.get('content-type');
  if (!contentType?.includes('ndjson')) return { status: res.status, contentType, results: [], body: await res.json() };
  const results: any[] = [];
  const decoder = new TextDecoder();
  let buf = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buf += decoder.decode(chunk, { stream: true });
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const text = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (!text) continue;
      if (results.length === 0) opts.onFirstResult?.();
      results.push(JSON.parse(text));
    }
  }
  expect(buf.trim()).toBe('');
  return { status: res.status, contentType, results, body: undefined };
}

const json = (v: unknown) => `${JSON.stringify(v)}\n`;
const children = async () => (await srv.control('GET', '/contactpoint/children')).body.children as Array<{ contactPointId: string; identity: any }>;
const sourceRecord = (id: string) => srv.api.request('GET', `/contactpoint/v1/source-records/${encodeURIComponent(id)}`);

describe('bulk feed: per-line results', () => {
  it('CP-FEED-011: answers one result per non-empty line, in order; good lines are stored, bad lines are not', async () => {
    const good1 = involvement({ child: { identifiers: { nhsNumber: testNhs(700) } } });
    const good2 = involvement({ child: { identifiers: { nhsNumber: testNhs(701) } } });
    const unknownField = { ...involvement({ child: { identifiers: { nhsNumber: testNhs(702) } } }), notes: 'x' };
    const badNhs = involvement({ child: { identifiers: { nhsNumber: '9990000019' } } });
    const caseContent = involvement({
      child: { identifiers: { nhsNumber: testNhs(703) } },
      involvement: {
        contact: { kind: 'team', teamName: 'Referred because of neglect', organisation: 'London Borough of Barnet', phone: '020 8359 4066' },
      },
    });
    // Valid JSON, and a valid message, but over the line limit: whitespace padding inside the object.
    const tooLong = involvement({ child: { identifiers: { nhsNumber: testNhs(704) } } });
    const tooLongLine = JSON.stringify(tooLong).replace('{', `{${' '.repeat(MAX_BULK_LINE_BYTES)}`) + '\n';
    const lines = [
      json(good1), // 1
      '{"messageId": \n', // 2 malformed
      '\n', // 3 blank: no result, but it still counts as a line
      json(unknownField), // 4
      json(badNhs), // 5
      json(caseContent), // 6
      tooLongLine, // 7
      '{"__proto__": {"polluted": 1}}\n', // 8
      json(good2), // 9
    ];
    const before = (await children()).length;
    const answer = await bulk(lines, { chunkBytes: 4096 });
    expect(answer.status).toBe(200);
    expect(answer.contentType).toContain('application/x-ndjson');
    expect(answer.results.map((r) => r.line)).toEqual([1, 2, 4, 5, 6, 7, 8, 9]);
    expect(answer.results.map((r) => r.ok)).toEqual([true, false, false, false, false, false, false, true]);

    const [r1, r2, r4, r5, r6, r7, r8, r9] = answer.results;
    expect(r1.receipt).toMatchObject({ messageId: good1.messageId, sourceRecordId: good1.sourceRecordId, status: 'accepted', repeat: false });
    expect(r9.receipt).toMatchObject({ messageId: good2.messageId, status: 'accepted' });
    const problem = (r: any, code: string, rule: string, requirement: string, path?: string) => {
      expect(r.problem).toMatchObject({ code, type: expect.stringMatching(/^\/docs#ics-err-/) });
      expect(r.problem.errors[0]).toMatchObject({ rule, requirement, ...(path !== undefined ? { path } : {}) });
      expect(typeof r.problem.errors[0].path).toBe('string');
    };
    problem(r2, 'ICS_ERR_HTTP_MALFORMED_JSON', 'json', 'CP-FEED-014', '');
    problem(r4, 'ICS_ERR_VALIDATION', 'unknown-field', 'CP-FEED-002', '/notes');
    problem(r5, 'ICS_ERR_VALIDATION', 'format:nhs-number', 'CP-FEED-003', '/child/identifiers/nhsNumber');
    problem(r6, 'ICS_ERR_CASE_INFORMATION', 'case-information', 'CP-FEED-002', '/involvement/contact/teamName');
    problem(r7, 'ICS_ERR_HTTP_TOO_LARGE', 'max-line-size', 'CP-FEED-011');
    problem(r8, 'ICS_ERR_HTTP_FORBIDDEN_KEY', 'forbidden-key', 'CP-FEED-014', '/__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    expect((await children()).length).toBe(before + 2);
    expect((await sourceRecord(good1.sourceRecordId)).body).toMatchObject({
      lastMessageId: good1.messageId,
      contactPointId: r1.receipt.contactPointId,
    });
    expect((await sourceRecord(good2.sourceRecordId)).status).toBe(200);
    for (const bad of [unknownField, badNhs, caseContent, tooLong]) expect((await sourceRecord(bad.sourceRecordId)).status).toBe(404);
  });

  it('CP-FEED-011: the line limit holds in bytes however the body is chunked (whole lines in one chunk, split characters, multi-byte text)', async () => {
    const atLimit = 'a'.repeat(MAX_BULK_LINE_BYTES);
    const overLimit = 'a'.repeat(MAX_BULK_LINE_BYTES + 1);
    // Three bytes per character: under the limit in characters, over it in bytes.
    const multiByte = '€'.repeat(Math.ceil(MAX_BULK_LINE_BYTES / 3) + 1);
    const whole = `x\n${atLimit}\n${overLimit}\n${multiByte}\ny\n`;
    const expected = [
      { line: 1, length: 1 },
      { line: 2, length: MAX_BULK_LINE_BYTES },
      { line: 3, length: 0, tooLong: true },
      { line: 4, length: 0, tooLong: true },
      { line: 5, length: 1 },
    ];
    // Chunks split on byte boundaries, even inside a multi-byte character.
    const bytes = encoder.encode(whole);
    const rechunked = async (size: number) => {
      const out: Array<{ line: number; tooLong?: boolean; length: number }> = [];
      async function* src() {
        for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
      }
      for await (const l of ndjsonLines(src(), MAX_BULK_LINE_BYTES))
        out.push({ line: l.line, length: l.text.length, ...(l.tooLong ? { tooLong: true } : {}) });
      return out;
    };
    expect(await rechunked(bytes.length)).toEqual(expected);
    expect(await rechunked(1000)).toEqual(expected);
    expect(await rechunked(65_537)).toEqual(expected);
    expect(await rechunked(7)).toEqual(expected);
  });

  it('CP-FEED-011: CRLF and LF line ends alike, blank lines skipped but counted, a last line without its newline kept', async () => {
    const bytes = encoder.encode('{"a":1}\r\n\r\n{"b":2}\n\n\r\n{"c":3}\r\n{"d":4}');
    for (const size of [bytes.length, 1, 3, 8]) {
      async function* src() {
        for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
      }
      const out: Array<[number, string]> = [];
      for await (const l of ndjsonLines(src(), MAX_BULK_LINE_BYTES)) out.push([l.line, l.text]);
      expect(out, `chunks of ${size}`).toEqual([
        [1, '{"a":1}'],
        [3, '{"b":2}'],
        [6, '{"c":3}'],
        [7, '{"d":4}'],
      ]);
    }
  });

  it('refuses a body that is not application/x-ndjson with 415, no credentials with 401, no permission with 403', async () => {
    const wrong = await bulk([json(involvement())], { contentType: 'application/json' });
    expect(wrong.status).toBe(415);
    expect(wrong.contentType).toContain('application/problem+json');
    expect(wrong.body).toMatchObject({
      code: 'ICS_ERR_HTTP_MEDIA_TYPE',
      errors: [expect.objectContaining({ path: 'header:content-type', rule: 'content-type', requirement: 'CP-FEED-011' })],
    });
    const anon = await bulk([json(involvement())], { token: null });
    expect(anon.status).toBe(401);
    const notPermitted = await bulk([json(involvement())], { token: 'demo-practitioner' });
    expect(notPermitted.status).toBe(403);
  });
});

describe('bulk feed: a whole caseload', () => {
  const COUNT = 3000;
  const options = { count: COUNT, seed: 11 };
  let first: any[] = [];

  it(`CP-FEED-011: ${COUNT} generated lines are all accepted, and the answer streams back while the upload is still going`, async () => {
    const before = (await children()).length;
    let answered!: () => void;
    const firstAnswer = new Promise<void>((resolve) => (answered = resolve));
    let sentWhenAnswered = -1;
    let sent = 0;
    // Hold back the second half of the upload until the first result has arrived: a server that
    // buffered the whole body before answering would never answer, and the test would time out.
    async function* lines() {
      for (const line of involvementNdjson(options)) {
        if (sent === COUNT / 2) await firstAnswer;
        sent++;
        yield line;
      }
    }
    const answer = await bulk(lines(), {
      onFirstResult: () => {
        sentWhenAnswered = sent;
        answered();
      },
    });
    expect(answer.status).toBe(200);
    expect(sentWhenAnswered).toBeGreaterThan(0);
    expect(sentWhenAnswered).toBeLessThan(COUNT);
    first = answer.results;
    expect(first).toHaveLength(COUNT);
    expect(first.map((r) => r.line)).toEqual(Array.from({ length: COUNT }, (_, i) => i + 1));
    const refused = first.filter((r) => !r.ok);
    expect(refused.map((r) => `${r.line}: ${r.problem.detail}`)).toEqual([]);
    expect(new Set(first.map((r) => r.receipt.messageId)).size).toBe(COUNT);
    for (const r of first) expect(['accepted', 'queued-for-review']).toContain(r.receipt.status);
    const created = new Set(first.filter((r) => r.receipt.matchedBy === 'new-child').map((r) => r.receipt.contactPointId));
    expect((await children()).length).toBe(before + created.size);
    expect(created.size).toBeGreaterThan(COUNT * 0.9);
  });

  it('CP-FEED-001: re-uploading the same file repeats the original receipts and makes no new children', async () => {
    expect(first).toHaveLength(COUNT);
    const before = (await children()).length;
    const again = await bulk(involvementNdjson(options));
    expect(again.status).toBe(200);
    expect(again.results).toHaveLength(COUNT);
    again.results.forEach((r, i) => {
      expect(r.ok).toBe(true);
      expect(r.receipt).toEqual({ ...first[i].receipt, repeat: true });
    });
    expect((await children()).length).toBe(before);
  });

  it('CTL-003: journals each bulk exchange once, with a count of its result lines and refusals', async () => {
    const { entries } = (await srv.control('GET', '/journal?limit=10000')).body;
    const bulkEntries = entries.filter((e: any) => e.operationId === 'submitInvolvementBulk');
    expect(bulkEntries.map((e: any) => e.status)).toEqual([200, 415, 403, 200, 200]);
    expect(bulkEntries.map((e: any) => (e.responseBody.streamed ? e.responseBody : e.responseBody.code))).toEqual([
      { streamed: true, lines: 8, failed: 6 },
      'ICS_ERR_HTTP_MEDIA_TYPE',
      'ICS_ERR_AUTH_FORBIDDEN',
      { streamed: true, lines: COUNT, failed: 0 },
      { streamed: true, lines: COUNT, failed: 0 },
    ]);
  });
});
