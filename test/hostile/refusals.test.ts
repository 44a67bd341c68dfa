/**
 * The smaller findings of issue #17: invalid UTF-8 refused rather than stored as U+FFFD; what node's
 * parser refuses answered in problem+json; HEAD served on GET routes; secrets masked in the journal;
 * no existence leak between a missing episode and one the practitioner is not on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServer } from '../support/server.js';
import { socketExchange } from '../support/socket.js';
import { involvement } from '../support/messages.js';
import { as, openEpisode } from '../ecaf/helpers.js';

let srv: Awaited<ReturnType<typeof testServer>>;
beforeAll(async () => {
  srv = await testServer();
});
afterAll(() => srv.close());

const journal = async () =>
  (await srv.control('GET', '/journal?limit=10000')).body.entries as Array<{
    operationId: string;
    verdict: string;
    query: Record<string, string>;
    requestBody?: unknown;
    problems?: Array<{ rule: string }>;
  }>;

const raw = (text: string) => socketExchange(srv.url, [text]);

describe('invalid UTF-8', () => {
  it('is refused 400 (rule utf-8) and nothing is stored, where it was stored with U+FFFD', async () => {
    const msg = involvement();
    const text = JSON.stringify(msg).replace(msg.child.name.family, 'Caf\u00e9X');
    const bytes = Buffer.from(text, 'utf8');
    // "é" is C3 A9; C3 followed by "X" (0x58) is not UTF-8.
    const at = bytes.indexOf(0xa9);
    bytes[at] = 0x58;
    const res = await srv.api.request('POST', '/contactpoint/v1/involvements', { raw: bytes, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'ICS_ERR_HTTP_MALFORMED_JSON', errors: [{ rule: 'utf-8' }] });
    expect((await srv.api.request('GET', `/contactpoint/v1/source-records/${msg.sourceRecordId}`)).status).toBe(404);
  });

  it('valid UTF-8 beyond ASCII is taken as sent', async () => {
    const msg = involvement({ child: { name: { given: 'Zoë', family: `Ńowak${Date.now()}` } } });
    expect((await srv.api.request('POST', '/contactpoint/v1/involvements', { body: msg })).status).toBe(202);
    const rec = await srv.api.request('GET', `/contactpoint/v1/source-records/${msg.sourceRecordId}`);
    expect(rec.body.message.child.name.given).toBe('Zoë');
  });
});

describe('invalid UTF-8 in a bulk upload', () => {
  it('refuses that line alone (rule utf-8); the lines around it are taken', async () => {
    const [a, b, c] = [involvement(), involvement({ child: { name: { given: 'Zoë', family: `Bad${Date.now()}` } } }), involvement()];
    const bytes = Buffer.from([a, b, c].map((m) => JSON.stringify(m)).join('\n') + '\n', 'utf8');
    // "ë" is C3 AB: C3 then a quote is not UTF-8.
    bytes[bytes.indexOf(Buffer.from('ë')) + 1] = 0x22;
    const res = await srv.api.request('POST', '/contactpoint/v1/involvements/bulk', {
      raw: bytes,
      headers: { 'content-type': 'application/x-ndjson' },
    });
    const lines = res.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { line: number; ok: boolean; problem?: { code: string; errors: Array<{ rule: string }> } });
    expect(lines.map((l) => l.ok)).toEqual([true, false, true]);
    expect(lines[1]!.problem).toMatchObject({ code: 'ICS_ERR_HTTP_MALFORMED_JSON', errors: [{ rule: 'utf-8' }] });
    expect((await srv.api.request('GET', `/contactpoint/v1/source-records/${b.sourceRecordId}`)).status).toBe(404);
  });

  it('reads lines whose characters are split across chunks, a byte at a time', async () => {
    const { ndjsonLines } = await import('../../src/platform/ndjson.js');
    const text = '{"a":"Zoë 🧒"}\r\n\n{"b":1}';
    const bytes = Buffer.from(text, 'utf8');
    const got = [];
    for await (const l of ndjsonLines(
      (async function* () {
        for (const b of bytes) yield Uint8Array.of(b);
      })(),
      1024,
    ))
      got.push(l);
    expect(got).toEqual([
      { line: 1, text: '{"a":"Zoë 🧒"}' },
      { line: 3, text: '{"b":1}' },
    ]);
  });
});

describe("what node's parser refuses", () => {
  it.each([
    ['a malformed request line', 'GARBAGE\r\n\r\n', 400, 'ICS_ERR_HTTP_BAD_REQUEST'],
    [
      'a bad Content-Length',
      'POST /contactpoint/v1/involvements HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
      400,
      'ICS_ERR_HTTP_BAD_REQUEST',
    ],
    [
      'bad chunked framing',
      'POST /contactpoint/v1/involvements HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      400,
      'ICS_ERR_HTTP_BAD_REQUEST',
    ],
    ['a head over 16 KiB', `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'ICS_ERR_HTTP_HEADERS_TOO_LARGE'],
  ])('%s is answered in problem+json and closed', async (_name, text, status, code) => {
    const got = await raw(text);
    expect(got).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
    expect(got).toContain('Content-Type: application/problem+json');
    const body = JSON.parse(got.slice(got.indexOf('\r\n\r\n') + 4)) as { code: string; status: number };
    expect(body).toMatchObject({ code, status });
  });
});

describe('HEAD', () => {
  it("is served on GET routes: the GET's status and headers, no body", async () => {
    const get = await fetch(`${srv.url}/health`);
    const head = await fetch(`${srv.url}/health`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'));
    expect(await head.text()).toBe('');
    const authed = await fetch(`${srv.url}/control/v1/sessions/default/journal`, {
      method: 'HEAD',
      headers: { authorization: 'Bearer test-control-token' },
    });
    expect(authed.status).toBe(200);
  });

  it('is served the same way in-process, through msw', async () => {
    const { setupServer } = await import('msw/node');
    const { createHandlers, createMockServices } = await import('../../src/msw.js');
    const mock = createMockServices({ demoSession: true });
    const server = setupServer(...createHandlers({ mock, baseUrl: 'https://cp.test' }));
    server.listen();
    try {
      const head = await fetch('https://cp.test/health', { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-type')).toContain('application/json');
      expect(await head.text()).toBe('');
    } finally {
      server.close();
      mock.close();
    }
  });

  it('is listed in Allow where GET is', async () => {
    const res = await srv.api.request('PATCH', '/health', { token: null });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('secrets in the journal', () => {
  it('access_token query parameters and token/password fields of refused bodies are masked', async () => {
    await srv.api.request('GET', '/contactpoint/v1/source-records/REF-X?access_token=sekrit-q1');
    await srv.api.request('POST', '/contactpoint/v1/involvements', {
      body: { ...involvement(), password: 'sekrit-p1', nested: { token: 'sekrit-t1' } },
    });
    await srv.api.request('POST', '/contactpoint/v1/involvements', {
      raw: '{"password": "sekrit-p2", broken',
      headers: { 'content-type': 'application/json' },
    });
    const text = JSON.stringify(await journal());
    expect(text).not.toMatch(/sekrit/);
    expect(text).toContain('"access_token":"***"');
    expect(text).toContain('"password":"***"');
    // Where it was masked is kept: sending a credential there is itself the finding (SEC-SECRET-001).
    const entries = (await journal()) as Array<{ masked?: string[]; query: Record<string, string> }>;
    expect(entries.find((e) => e.query.access_token)?.masked).toEqual(['query:access_token']);
  });
});

describe('National eCAF existence', () => {
  it('a missing episode and one the practitioner is not on get the same refusal', async () => {
    const id = await openEpisode(srv, 501);
    const notMine = await as(srv, 'stranger').get(`/episodes/${id}`);
    const missing = await as(srv, 'stranger').get('/episodes/ECAF.EP.2026.000000');
    expect(notMine.status).toBe(403);
    expect(missing.status).toBe(notMine.status);
    const sansId = (b: unknown) => JSON.stringify(b).replace(/ECAF\.EP\.\d{4}\.\d{6}/g, '<id>');
    expect(sansId(missing.body)).toBe(sansId(notMine.body));
  });
});
