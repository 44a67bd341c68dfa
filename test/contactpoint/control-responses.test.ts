/** CTL-001..005: every control API answer matches the schema /openapi.json publishes for it (src/mock-server/control/schemas.ts). */
import { afterAll, describe, expect, it } from 'vitest';
import { createMockServices } from '../../src/mock-server/mock.js';
import { validator } from '../../src/platform/validate.js';
import type { CoreResponse } from '../../src/platform/http.js';
import { involvement, testNhs } from '../support/messages.js';

const mock = createMockServices({ controlToken: 'ctl' });
afterAll(() => mock.close());

const seen = new Set<string>();

async function call(method: string, path: string, body?: unknown, token = 'ctl', headers: Record<string, string> = {}): Promise<CoreResponse> {
  const res = await mock.pipeline.handle({
    method,
    path,
    query: {},
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body:
      body === undefined
        ? null
        : (async function* () {
            yield Buffer.from(JSON.stringify(body));
          })(),
  });
  const m = mock.pipeline.match(method, path);
  if (m && 'route' in m && m.route.service === 'control') {
    const doc = m.route.responses[res.status];
    expect(doc, `${m.route.operationId} answered ${res.status}, which it does not document`).toBeDefined();
    if (doc?.schema && res.body !== undefined) {
      const validate = validator(doc.schema);
      expect(validate(res.body), `${m.route.operationId} ${res.status}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    seen.add(m.route.operationId);
  }
  return res;
}

describe('control API answers and their published schemas', () => {
  it('every operation answers as documented', async () => {
    const created = (await call('POST', '/control/v1/sessions', { dataset: 'population', count: 20, seed: 7 })).body as {
      session: { id: string };
      credentials: Array<{ clientId: string; token: string }>;
      controlToken: string;
    };
    const S = `/control/v1/sessions/${created.session.id}`;
    const token = (id: string) => created.credentials.find((c) => c.clientId === id)!.token;
    const practitioner = token('practitioner');
    // The same NHS number with two dates of birth: the second goes to the review queue.
    for (const [dateOfBirth, client] of [
      ['2013-03-03', 'ics'],
      ['2013-04-04', 'education'],
    ] as const)
      await call(
        'POST',
        '/contactpoint/v1/involvements',
        involvement({ child: { identifiers: { nhsNumber: testNhs(300) }, dateOfBirth } }),
        token(client),
      );
    // A lookup, so the audit has an entry, and a refusal, so the journal holds problems.
    await mock.pipeline.handle({
      method: 'GET',
      path: '/contactpoint/v1/children',
      query: { familyName: 'Smith' },
      headers: { authorization: `Bearer ${practitioner}`, 'practitioner-id': 'p1' },
      body: null,
    });
    await call('GET', '/control/v1/sessions');
    await call('GET', '/control/v1/stats');
    await call('GET', S);
    await call('GET', '/control/v1/session', undefined, created.controlToken);
    await call('POST', `${S}/seed`, { dataset: 'hannah' });
    await call('POST', `${S}/clients/ics/rotate`);
    await call('GET', `${S}/journal`);
    await call('GET', '/control/v1/journal');
    await call('GET', `${S}/clock`);
    await call('PUT', `${S}/clock`, { advanceDays: 3, frozen: true });
    await call('POST', `${S}/faults`, { operationId: 'submitInvolvement', kind: 'error', status: 503, count: 2, match: { '/messageId': 'x' } });
    await call('GET', `${S}/faults`);
    await call('DELETE', `${S}/faults`);
    await call('GET', `${S}/contactpoint/audit`);
    await call('GET', `${S}/contactpoint/children`);
    const reviews = (await call('GET', `${S}/contactpoint/reviews`)).body as { reviews: Array<{ reviewId: string; candidates: string[] }> };
    const open = reviews.reviews[0];
    expect(open, 'the second message left a review to resolve').toBeDefined();
    await call('POST', `${S}/contactpoint/reviews/${open!.reviewId}/resolve`, { createNew: true });
    await call('GET', `${S}/ecaf/audit`);
    await call('GET', `${S}/ecaf/episodes`);
    await call('POST', `${S}/reset`);
    await call('DELETE', S);
    const all = mock.pipeline.routes.filter((r) => r.service === 'control').map((r) => r.operationId);
    expect(all.filter((id) => !seen.has(id))).toEqual([]);
  });
});
