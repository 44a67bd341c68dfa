import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, ecafServer, exchangeEpisode, openBody, openEpisode, stored, type Srv } from './helpers.js';

let srv: Srv;
let episodeId: string;
beforeAll(async () => {
  srv = await ecafServer();
  episodeId = await openEpisode(srv, 400);
});
afterAll(() => srv.close());

const PRACTITIONER = { token: 'demo-practitioner', headers: { 'practitioner-id': 'mentor' } };
const send = (method: string, path: string, raw: string, opts: { contentType?: string; token?: string | null; practitioner?: string | null } = {}) =>
  srv.api.request(method, `/ecaf/v1${path}`, {
    raw,
    token: opts.token === undefined ? PRACTITIONER.token : opts.token,
    headers: {
      'content-type': opts.contentType ?? 'application/json',
      ...(opts.practitioner === null ? {} : { 'practitioner-id': opts.practitioner ?? 'mentor' }),
    },
  });

/** Everything National eCAF and ContactPoint hold, so a refusal can be shown to store nothing. */
const snapshot = async () => JSON.stringify([await stored(srv), (await srv.control('GET', '/contactpoint/children')).body.children]);

type Case = [string, () => ReturnType<typeof send>, number, string];
const open = () => JSON.stringify(openBody(401));
const cases: Case[] = [
  ['malformed JSON', () => send('POST', '/episodes', '{"child": '), 400, 'json'],
  ['empty body', () => send('POST', '/episodes', ''), 400, 'json'],
  ['wrong content type', () => send('POST', '/episodes', open(), { contentType: 'text/plain' }), 415, 'content-type'],
  [
    'form-encoded body',
    () => send('POST', `/episodes/${episodeId}/consents`, 'givenOn=2026-11-20', { contentType: 'application/x-www-form-urlencoded' }),
    415,
    'content-type',
  ],
  ['unknown top-level field', () => send('POST', '/episodes', JSON.stringify({ ...openBody(401), notes: 'case notes' })), 422, 'unknown-field'],
  [
    'unknown nested field',
    () => send('POST', '/episodes', JSON.stringify({ ...openBody(401), consent: { ...openBody(401).consent, signature: 'x' } })),
    422,
    'unknown-field',
  ],
  [
    'unknown field in an element',
    () =>
      send(
        'PUT',
        `/episodes/${episodeId}/assessment`,
        JSON.stringify({
          ...openBody(401).assessment,
          elements: [{ domain: 'development-of-the-child', element: 'learning', needs: 'x', score: 3 }],
        }),
      ),
    422,
    'unknown-field',
  ],
  [
    'wrong type',
    () => send('POST', '/episodes', JSON.stringify({ ...openBody(401), consent: { ...openBody(401).consent, involveParentsCarers: 'yes' } })),
    422,
    'type',
  ],
  ['missing field', () => send('POST', `/episodes/${episodeId}/closure`, JSON.stringify({ note: 'done' })), 422, 'required'],
  [
    'bad date',
    () => send('POST', `/episodes/${episodeId}/consents/C1/withdrawal`, JSON.stringify({ withdrawnOn: '25/11/2026' })),
    422,
    'format:date',
  ],
  [
    'failed NHS check digit',
    () =>
      send('POST', '/episodes', JSON.stringify({ ...openBody(401), child: { ...openBody(401).child, identifiers: { nhsNumber: '9990000019' } } })),
    422,
    'format:nhs-number',
  ],
  ['not an object', () => send('POST', '/episodes', '[1,2,3]'), 422, 'type'],
  ['body over the limit', () => send('POST', '/episodes', JSON.stringify({ ...openBody(401), pad: 'x'.repeat(1_100_000) })), 413, 'max-body-size'],
  ['deep nesting', () => send('POST', '/episodes', '{"a":'.repeat(100) + '1' + '}'.repeat(100)), 400, 'max-depth'],
  ['__proto__ key', () => send('POST', '/episodes', open().replace('{', '{"__proto__":{"polluted":1},')), 400, 'forbidden-key'],
  ['malformed episode ID in the path', () => srv.api.request('GET', '/ecaf/v1/episodes/EP-1', PRACTITIONER), 422, 'pattern'],
  [
    'malformed transfer',
    () =>
      send('POST', '/exchange/transfers', JSON.stringify({ messageId: 'not-a-uuid', episode: exchangeEpisode(402) }), {
        token: 'demo-ics',
        practitioner: null,
      }),
    422,
    'format:uuid',
  ],
  ['no credentials', () => send('POST', '/episodes', open(), { token: null }), 401, 'credentials-required'],
  ['unknown credentials', () => send('POST', '/episodes', open(), { token: 'demo-nobody' }), 401, 'credentials-valid'],
  [
    'credentials without the permission',
    () => send('POST', '/episodes', open(), { token: 'demo-no-permissions' }),
    403,
    'permission:ecaf:practitioner',
  ],
  ['an ICS calling a practitioner operation', () => send('POST', '/episodes', open(), { token: 'demo-ics' }), 403, 'permission:ecaf:practitioner'],
  [
    'a practitioner calling an exchange operation',
    () => send('POST', '/exchange/transfers', JSON.stringify({ messageId: randomUUID(), episode: exchangeEpisode(403) })),
    403,
    'permission:ecaf:exchange',
  ],
  ['no Practitioner-Id', () => send('POST', '/episodes', open(), { practitioner: null }), 400, 'practitioner-identity'],
  ['malformed Practitioner-Id', () => send('POST', '/episodes', open(), { practitioner: 'mentor; DROP TABLE' }), 400, 'practitioner-identity'],
];

describe('bad input gets problem+json naming path, rule and requirement, and stores nothing', () => {
  it.each(cases)('%s', async (_name, request, status, rule) => {
    const before = await snapshot();
    const res = await request();
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({
      status,
      code: expect.stringMatching(/^ICS_ERR_/),
      type: expect.stringMatching(/^\/docs#ics-err-/),
      title: expect.any(String),
    });
    expect(res.body.errors?.[0]).toMatchObject({ rule, path: expect.any(String), requirement: expect.stringMatching(/^[A-Z]+-[A-Z]+/) });
    expect(await snapshot()).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("schema failures name the operation's requirement and the JSON path", async () => {
    const res = await send(
      'POST',
      '/episodes',
      JSON.stringify({ ...openBody(401), consent: { ...openBody(401).consent, sharing: [{ agency: 'police', information: ['assessment'] }] } }),
    );
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toEqual({
      path: '/consent/sharing/0/agency',
      rule: 'enum',
      requirement: 'ECAF-EPISODE-001',
      message: expect.stringContaining('"housing"'),
    });
  });

  it('unknown paths and methods answer problem+json 404 and 405', async () => {
    const nf = await srv.api.request('GET', '/ecaf/v1/nothing', PRACTITIONER);
    expect(nf.status).toBe(404);
    expect(nf.headers.get('content-type')).toContain('application/problem+json');
    const na = await srv.api.request('PATCH', `/ecaf/v1/episodes/${episodeId}`, { ...PRACTITIONER, body: {} });
    expect(na.status).toBe(405);
    expect(na.headers.get('allow')).toBe('GET, HEAD');
  });

  it('the journal records each refusal with its verdict; the episode is still there, unchanged', async () => {
    const { entries } = (await srv.control('GET', '/journal?limit=1000')).body;
    const ecaf = entries.filter((e: any) => e.service === 'ecaf' && e.verdict === 'rejected');
    // Requests without valid credentials belong to no session, so no session's journal holds them.
    expect(ecaf.length).toBeGreaterThanOrEqual(cases.length - 2);
    expect(JSON.stringify(entries)).not.toContain('demo-practitioner"');
    const ep = await as(srv, 'mentor').get(`/episodes/${episodeId}`);
    expect(ep.status).toBe(200);
    expect(ep.body.status).toBe('open');
  });
});
