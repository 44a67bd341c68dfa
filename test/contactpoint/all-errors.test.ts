/**
 * A 422 names every fault of a message at once: the schema's errors, then the rules the message
 * breaks as well (docs/decisions/0049), on the prepare worker and inline alike. The schema's error
 * stays first, so the problem's code and the requirement a judge cites do not change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/mock-server/server.js';
import { apiFor, CONTROL, type Api } from '../support/server.js';
import { cafIndicator, involvement } from '../support/messages.js';
import { requirementForProblem } from '../../mocks/rules.js';
import { MAX_PROBLEM_ITEMS } from '../../src/platform/problem.js';

const CASE_CONTACT = {
  kind: 'team' as const,
  teamName: 'Referred because of neglect',
  organisation: 'London Borough of Barnet',
  phone: '020 8359 4066',
};

for (const prepareWorker of [true, false]) {
  describe(`schema and rule errors in one 422 (prepare worker ${prepareWorker ? 'on' : 'off'})`, () => {
    let server: RunningServer;
    let api: Api;
    beforeAll(async () => {
      server = await startServer({ port: 0, demoSession: { dataset: 'empty' }, controlToken: CONTROL, prepareWorker });
      api = apiFor(server.url);
    });
    afterAll(() => server.close());

    const post = (body: unknown) => api.request('POST', '/contactpoint/v1/involvements', { body });
    const children = async () => (await api.request('GET', '/control/v1/sessions/default/contactpoint/children', { token: CONTROL })).body;

    it('a bad NHS number and case information in the contact: both listed, the schema error first', async () => {
      const before = await children();
      const res = await post(involvement({ child: { identifiers: { nhsNumber: '9990000001' } }, involvement: { contact: CASE_CONTACT } }));
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('ICS_ERR_VALIDATION');
      expect(res.body.errors.map((e: { path: string; rule: string; requirement: string }) => [e.path, e.rule, e.requirement])).toEqual([
        ['/child/identifiers/nhsNumber', 'format:nhs-number', 'CP-FEED-003'],
        ['/involvement/contact/teamName', 'case-information', 'CP-FEED-002'],
      ]);
      expect(res.body.requirement).toBe('CP-FEED-003');
      expect(res.body.detail).toContain('/involvement/contact/teamName: case information');
      // The judge reads a refusal by its first error: the schema's, as when it was the only one.
      const alone = await post(involvement({ child: { identifiers: { nhsNumber: '9990000001' } } }));
      expect(alone.body.errors).toHaveLength(1);
      expect(requirementForProblem('contactpoint', res.body)).toBe(requirementForProblem('contactpoint', alone.body));
      expect(await children()).toEqual(before);
    });

    it('a CAF indicator: the same, under its own requirements', async () => {
      const caf = cafIndicator(involvement().child, {
        assessor: {
          kind: 'practitioner',
          name: { given: 'M', family: 'S' },
          role: 'Diagnosis of ADHD',
          organisation: 'Hendon School',
          phone: '020 8202 9004',
        },
      });
      const res = await api.request('POST', '/contactpoint/v1/caf-indicators', { body: { ...caf, unexpected: true } });
      expect(res.status).toBe(422);
      expect(res.body.errors.map((e: { path: string; rule: string }) => [e.path, e.rule])).toEqual([
        ['/unexpected', 'unknown-field'],
        ['/assessor/role', 'case-information'],
      ]);
    });

    it('a rule finding at a field the schema already refused is left out', async () => {
      // The end date is not a date (schema) and, read as text, "before" the start date (rule): one error, the schema's.
      const res = await post(involvement({ involvement: { startDate: '2026-11-01', endDate: '0-not-a-date' } }));
      expect(res.status).toBe(422);
      expect(res.body.errors.map((e: { path: string; rule: string }) => [e.path, e.rule])).toEqual([['/involvement/endDate', 'format:date']]);
    });

    it('a message too broken for the rules to read gets the schema errors alone, never an internal error', async () => {
      const broken = { ...involvement(), involvement: { ...involvement().involvement, contact: 'call the duty team about the neglect referral' } };
      const res = await post(broken);
      expect(res.status).toBe(422);
      expect(res.body.errors.every((e: { rule: string }) => e.rule !== 'case-information')).toBe(true);
      expect(res.body.errors.length).toBeGreaterThan(0);
    });

    it('capped with the rest counted: 150 unknown fields and a rule give 100 listed and errorsOmitted 51', async () => {
      const msg: Record<string, unknown> = { ...involvement({ involvement: { contact: CASE_CONTACT } }) };
      for (let i = 0; i < 150; i++) msg[`extra${i}`] = i;
      const res = await post(msg);
      expect(res.status).toBe(422);
      expect(res.body.errors).toHaveLength(MAX_PROBLEM_ITEMS);
      expect(res.body.errorsOmitted).toBe(51);
      expect(res.body.errors[0].rule).toBe('unknown-field');
    });
  });
}
