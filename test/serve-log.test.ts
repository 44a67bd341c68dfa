/**
 * `serve` as a person runs it: one line per exchange on stdout (or NDJSON with --log json, or none
 * with --quiet), refusals before a session is known kept in the server's journal, and no token value
 * in either (docs/decisions/0049). Spawns the real CLI and sends it real requests.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { BIN, ensureBuilt } from './support/build.js';
import { involvement } from './support/messages.js';

const CONTROL = `ctl_${randomBytes(18).toString('base64url')}`;
// Tokens the server has never issued, shaped like the ones it does: neither may appear in a log or journal.
const UNKNOWN = `ics_${randomBytes(24).toString('base64url')}`;
const IN_QUERY = `ics_${randomBytes(24).toString('base64url')}`;
/* eslint-disable no-control-regex -- the test looks for control characters */
const ESCAPES = 'x\u001b]0;pwned\u0007\u001b[2J\u009b31m\nPASS (exit 0)';

interface Served {
  proc: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
}

const running: ChildProcess[] = [];
afterEach(() => {
  for (const p of running.splice(0)) p.kill('SIGTERM');
});

beforeAll(() => ensureBuilt(), 120_000);

async function serve(...flags: string[]): Promise<Served> {
  const proc = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--count', '5', '--control-token', CONTROL, '--no-prepare-worker', ...flags], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(proc);
  let out = '';
  let err = '';
  proc.stdout.on('data', (d: Buffer) => void (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => void (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const look = () => {
      const banner = flags.includes('json') ? err : out;
      const m = /ContactPoint {3}(http:\/\/[^/\s]+)\/contactpoint\/v1/.exec(banner);
      if (m && banner.includes('Ctrl-C to stop.')) resolve(m[1]!);
    };
    proc.stdout.on('data', look);
    proc.stderr.on('data', look);
    proc.on('exit', (code) => reject(new Error(`serve exited ${code}: ${out}${err}`)));
  });
  return { proc, url, stdout: () => out, stderr: () => err };
}

async function send(url: string, path: string, opts: { token?: string; body?: unknown } = {}): Promise<number> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url + path, {
    method: opts.body === undefined ? 'GET' : 'POST',
    headers,
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
  await res.arrayBuffer();
  return res.status;
}

/** The exchanges sent by every test: accepted, refused by the schema, and the three refusals that name no session. */
async function traffic(url: string): Promise<void> {
  expect(await send(url, '/contactpoint/v1/involvements', { token: 'demo-ics', body: involvement() })).toBe(202);
  const bad = involvement({ child: { identifiers: { nhsNumber: '9990000001' } } });
  expect(await send(url, '/contactpoint/v1/involvements', { token: 'demo-ics', body: bad })).toBe(422);
  expect(await send(url, '/contactpoint/v1/involvements', { token: 'demo-ics', body: { ...involvement(), [ESCAPES]: 1 } })).toBe(422);
  expect(await send(url, '/contactpoint/v1/source-records/REF-1')).toBe(401);
  expect(await send(url, '/contactpoint/v1/source-records/REF-1', { token: UNKNOWN })).toBe(401);
  expect(await send(url, `/contactpoint/v1/source-records/REF-1?access_token=${IN_QUERY}`)).toBe(401);
}

async function until(cond: () => boolean, what: () => string): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(cond(), what()).toBe(true);
}

describe('serve: one line per exchange', () => {
  it('prints method, path, status, verdict and the first problem; vendor text made terminal-safe; no token', async () => {
    const s = await serve();
    const before = s.stdout().length;
    await traffic(s.url);
    const log = () => s.stdout().slice(before);
    await until(() => log().split('\n').filter(Boolean).length >= 6, log);
    const lines = log().split('\n').filter(Boolean);
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe('POST /contactpoint/v1/involvements 202 accepted');
    expect(lines[1]).toMatch(/^POST \/contactpoint\/v1\/involvements 422 refused ICS_ERR_VALIDATION CP-FEED-003 \/child\/identifiers\/nhsNumber: \S/);
    // The unknown field's name is the vendor's: no escape sequence, no line of its own.
    expect(lines[2]).toMatch(/^POST \/contactpoint\/v1\/involvements 422 refused ICS_ERR_VALIDATION /);
    expect(lines[2]).toContain('x PASS (exit 0)');
    expect(lines.join('\n')).not.toMatch(/[\u001b\u0007\u009b]/);
    expect(lines[3]).toBe(
      'GET /contactpoint/v1/source-records/REF-1 401 refused ICS_ERR_AUTH_MISSING SEC-AUTH-001 header:authorization: no bearer token (no session)',
    );
    expect(lines[4]).toBe(
      'GET /contactpoint/v1/source-records/REF-1 401 refused ICS_ERR_AUTH_INVALID SEC-AUTH-001 header:authorization: unknown token (no session)',
    );
    expect(lines[5]).toBe(
      'GET /contactpoint/v1/source-records/REF-1 401 refused ICS_ERR_AUTH_MISSING SEC-AUTH-001 header:authorization: no bearer token [credential sent in query:access_token: masked] (no session)',
    );
    expect(s.stdout() + s.stderr()).not.toContain(UNKNOWN);
    expect(s.stdout() + s.stderr()).not.toContain(IN_QUERY);
  }, 60_000);

  it('--log json: one NDJSON object per exchange on stdout, the start-up lines on stderr', async () => {
    const s = await serve('--log', 'json');
    expect(s.stdout()).toBe('');
    await traffic(s.url);
    await until(() => s.stdout().split('\n').filter(Boolean).length >= 6, s.stdout);
    const records = s
      .stdout()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, any>);
    expect(records.map((r) => [r.method, r.status, r.verdict, r.code ?? null])).toEqual([
      ['POST', 202, 'accepted', null],
      ['POST', 422, 'refused', 'ICS_ERR_VALIDATION'],
      ['POST', 422, 'refused', 'ICS_ERR_VALIDATION'],
      ['GET', 401, 'refused', 'ICS_ERR_AUTH_MISSING'],
      ['GET', 401, 'refused', 'ICS_ERR_AUTH_INVALID'],
      ['GET', 401, 'refused', 'ICS_ERR_AUTH_MISSING'],
    ]);
    expect(records[0]).toMatchObject({ session: 'default', client: 'ics', operationId: 'submitInvolvement' });
    expect(records[1]!.problem).toMatchObject({ path: '/child/identifiers/nhsNumber', requirement: 'CP-FEED-003' });
    expect(records[3]).toMatchObject({ session: null, client: null });
    expect(records[5]!.masked).toEqual(['query:access_token']);
    // The vendor's field name is kept as JSON, its controls escaped so a terminal shows them as text.
    expect(s.stdout()).not.toMatch(/[\u001b\u0007\u009b]/);
    expect(JSON.stringify(records[2])).toContain('\\u001b]0;pwned');
    expect(s.stdout()).not.toContain(UNKNOWN);
    expect(s.stdout()).not.toContain(IN_QUERY);
  }, 60_000);

  it('--quiet prints no line per exchange, and the journal still has them all', async () => {
    const s = await serve('--quiet');
    const before = s.stdout();
    await traffic(s.url);
    const res = await fetch(`${s.url}/control/v1/sessions/default/journal`, { headers: { authorization: `Bearer ${CONTROL}` } });
    const page = (await res.json()) as { entries: Array<{ status: number }> };
    expect(page.entries.map((e) => e.status)).toEqual([202, 422, 422]);
    await new Promise((r) => setTimeout(r, 200));
    expect(s.stdout()).toBe(before);
  }, 60_000);
});

describe('refusals that name no session: the server journal', () => {
  it('keeps no-token, unknown-token and query-string-token refusals, for the server control token only, with no token value', async () => {
    const s = await serve('--quiet');
    await traffic(s.url);
    const read = async (token: string, path = '/control/v1/journal') => {
      const res = await fetch(`${s.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, text: await res.text() };
    };
    const server = await read(CONTROL);
    expect(server.status).toBe(200);
    const page = JSON.parse(server.text) as { entries: Array<Record<string, any>> };
    expect(page.entries.map((e) => [e.sessionId, e.status, e.responseBody.code, e.clientId ?? null])).toEqual([
      ['~server', 401, 'ICS_ERR_AUTH_MISSING', null],
      ['~server', 401, 'ICS_ERR_AUTH_INVALID', null],
      ['~server', 401, 'ICS_ERR_AUTH_MISSING', null],
    ]);
    expect(page.entries[1]!.requestHeaders.authorization).toBe('Bearer ***');
    expect(page.entries[2]!.query).toEqual({ access_token: '***' });
    expect(page.entries[2]!.masked).toEqual(['query:access_token']);
    expect(server.text).not.toContain(UNKNOWN);
    expect(server.text).not.toContain(IN_QUERY);
    // All of it as NDJSON too.
    const ndjson = await read(CONTROL, '/control/v1/journal?format=ndjson');
    expect(ndjson.text.trim().split('\n')).toHaveLength(3);
    // The session's journal has its own exchanges only: an unattributed refusal is nobody's evidence.
    const session = await read(CONTROL, '/control/v1/sessions/default/journal');
    expect((JSON.parse(session.text) as { entries: Array<{ status: number }> }).entries.map((e) => e.status)).toEqual([202, 422, 422]);
    expect(session.text).not.toContain(UNKNOWN);
    // A session's own control token cannot read the server's journal.
    const created = await fetch(`${s.url}/control/v1/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CONTROL}`, 'content-type': 'application/json' },
      body: '{}',
    });
    const { controlToken } = (await created.json()) as { controlToken: string };
    expect((await read(controlToken)).status).toBe(403);
    expect((await read('wrong')).status).toBe(401);
  }, 60_000);

  it('a malformed body with a valid token is journalled in the session', async () => {
    const s = await serve('--quiet');
    const res = await fetch(`${s.url}/contactpoint/v1/involvements`, {
      method: 'POST',
      headers: { authorization: 'Bearer demo-ics', 'content-type': 'application/json' },
      body: '{"child": ',
    });
    expect(res.status).toBe(400);
    const page = (await (
      await fetch(`${s.url}/control/v1/sessions/default/journal`, { headers: { authorization: `Bearer ${CONTROL}` } })
    ).json()) as { entries: Array<Record<string, any>> };
    expect(page.entries.map((e) => [e.status, e.verdict, e.responseBody.code])).toEqual([[400, 'rejected', 'ICS_ERR_HTTP_MALFORMED_JSON']]);
  }, 60_000);
});
