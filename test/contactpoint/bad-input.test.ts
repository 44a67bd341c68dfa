import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServer } from '../support/server.js';
import { involvement } from '../support/messages.js';

let srv: Awaited<ReturnType<typeof testServer>>;
beforeAll(async () => {
  srv = await testServer();
});
afterAll(() => srv.close());

const stored = async () => (await srv.control('GET', '/contactpoint/children')).body.children.length;
const raw = (raw: string, contentType = 'application/json', headers: Record<string, string> = {}) =>
  srv.api.request('POST', '/contactpoint/v1/involvements', { raw, headers: { 'content-type': contentType, ...headers } });

describe('bad input gets problem+json naming path, rule and requirement, and stores nothing', () => {
  const cases: Array<[string, () => ReturnType<typeof raw>, number, string]> = [
    ['malformed JSON', () => raw('{"messageId": '), 400, 'json'],
    ['wrong content type', () => raw(JSON.stringify(involvement()), 'text/plain'), 415, 'content-type'],
    ['compressed body', () => raw(JSON.stringify(involvement()), 'application/json', { 'content-encoding': 'gzip' }), 415, 'content-encoding'],
    ['missing field', () => raw(JSON.stringify({ ...involvement(), child: undefined })), 422, 'required'],
    ['unknown field', () => raw(JSON.stringify({ ...involvement(), extra: 1 })), 422, 'unknown-field'],
    ['wrong type', () => raw(JSON.stringify({ ...involvement(), sentAt: 12 })), 422, 'type'],
    ['failed check digit', () => raw(JSON.stringify(involvement({ child: { identifiers: { nhsNumber: '9990000019' } } }))), 422, 'format:nhs-number'],
    ['body over the limit', () => raw(JSON.stringify({ ...involvement(), pad: 'x'.repeat(1_100_000) })), 413, 'max-body-size'],
    ['deep nesting', () => raw('{"a":'.repeat(100) + '1' + '}'.repeat(100)), 400, 'max-depth'],
    ['__proto__ key', () => raw(JSON.stringify(involvement()).replace('{', '{"__proto__":{"polluted":1},')), 400, 'forbidden-key'],
    ['constructor key', () => raw(JSON.stringify(involvement()).replace('"child":{', '"child":{"constructor":{"x":1},')), 400, 'forbidden-key'],
    ['JSON that is not an object', () => raw('[1,2,3]'), 422, 'type'],
    ['empty body', () => raw(''), 400, 'json'],
  ];
  it.each(cases)('%s', async (_name, send, status, rule) => {
    const before = await stored();
    const res = await send();
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status, code: expect.stringMatching(/^ICS_ERR_/), type: expect.stringMatching(/^\/docs#ics-err-/) });
    expect(res.body.errors?.[0]).toMatchObject({ rule, requirement: expect.stringMatching(/^[A-Z]+-[A-Z]+/) });
    expect(typeof res.body.errors[0].path).toBe('string');
    expect(await stored()).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('unknown paths and methods answer problem+json 404 and 405', async () => {
    const nf = await srv.api.request('GET', '/contactpoint/v1/nothing');
    expect(nf.status).toBe(404);
    expect(nf.headers.get('content-type')).toContain('application/problem+json');
    const na = await srv.api.request('PATCH', '/contactpoint/v1/involvements', { body: {} });
    expect(na.status).toBe(405);
    expect(na.headers.get('allow')).toBe('POST');
  });

  it('the server stays up and the journal records each rejection with its verdict', async () => {
    expect((await srv.api.request('GET', '/health', { token: null })).status).toBe(200);
    const { entries } = (await srv.control('GET', '/journal?limit=100')).body;
    const rejected = entries.filter((e: any) => e.verdict === 'rejected');
    expect(rejected.length).toBeGreaterThanOrEqual(10);
    expect(rejected[0].problems[0]).toHaveProperty('requirement');
  });
});
