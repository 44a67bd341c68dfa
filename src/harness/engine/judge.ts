/**
 * Judgements that hold for every message the SUT sends, whatever the scenario: what the mock refused
 * (with the requirement its problem cites), credentials, permissions, and secrets out of place.
 * Judged on the requirement, never on how the reference ICS happens to behave.
 */
import type { JournalEntry } from '../../platform/journal.js';
import type { TestContext } from './context.js';
import { requirement } from '../model/catalogue.js';
import { requirementForProblem } from '../../../mocks/rules.js';

export function judgeSutTraffic(t: TestContext, entries: JournalEntry[], sutToken: string): void {
  for (const e of entries) {
    if (!t.isFromSut(e) && e.status !== 401) continue;
    if (e.verdict === 'fault') continue;
    const where = { exchange: e.seq };
    if (e.status === 401) {
      // Unauthenticated calls have no client; they count against the SUT only in its own session.
      t.check('SEC-AUTH-001', false, `${e.method} ${e.path} was sent without valid credentials (401)`, {
        ...where,
        path: 'header:authorization',
        expected: 'Bearer <configured token>',
        actual: 'missing or wrong',
      });
      continue;
    }
    if (e.operationId === 'searchChildren' || e.operationId === 'getChild') {
      t.check('CP-FEED-013', false, `the system read ContactPoint (${e.operationId}): the feed is one way`, where);
      continue;
    }
    if (e.operationId === 'deleteSourceRecord' && e.status === 404) {
      t.check('SEC-ISO-001', false, `tried to delete a source record that is not the system's own (${e.path})`, where);
      continue;
    }
    if (e.operationId === 'deleteSourceRecord') {
      t.check('CP-FEED-008', false, `tried to delete involvement ${e.path.split('/').pop()} instead of sending its end date`, {
        ...where,
        expected: 'an InvolvementMessage with endDate',
        actual: 'DELETE',
      });
      continue;
    }
    // A refusal by a service rule cites the requirement on the system that the rule's table says it shows broken.
    const problem = e.responseBody as { code?: string; errors?: Array<{ rule: string; requirement: string }> } | undefined;
    const broken =
      e.status >= 400 && e.status < 500 && problem && typeof problem === 'object' && (e.service === 'contactpoint' || e.service === 'ecaf')
        ? requirementForProblem(e.service, problem)
        : undefined;
    // The schema catch-alls go on to the general refusal below, which also names fields outside the specification.
    if (broken && broken !== 'CP-FEED-014' && broken !== 'ECAF-SCHEMA-001' && requirement(broken)?.appliesTo === 'sut') {
      const p = e.problems?.[0];
      if (!judgedRefusal(t, broken, e.seq))
        t.check(broken, false, `${e.operationId} refused (${e.status}): ${p ? `${p.path || '/'} ${p.message}` : problem?.code}`, {
          ...where,
          cause: 'refusal',
          ...(p ? { path: p.path, expected: p.rule } : {}),
        });
      continue;
    }
    if (e.status === 403) {
      t.check('SEC-AUTH-002', false, `${e.operationId} is not an operation this system is accredited for (403)`, {
        ...where,
        expected: 'only permitted operations',
        actual: e.operationId,
      });
      continue;
    }
    if (e.operationId === 'getSourceRecord' && e.status === 404) {
      t.check('SEC-ISO-001', false, `read a source record that is not the system's own (${e.path})`, where);
      continue;
    }
    if (e.status >= 400 && e.status < 500) {
      const problems = e.problems ?? [];
      const cited = new Set(problems.map((p) => p.requirement).filter((r) => requirement(r)?.appliesTo === 'sut'));
      if (cited.size === 0) cited.add(e.service === 'ecaf' ? 'ECAF-SCHEMA-001' : 'CP-FEED-014');
      for (const req of cited) {
        if (!requirement(req) || judgedRefusal(t, req, e.seq)) continue;
        const p = problems.find((x) => x.requirement === req) ?? problems[0];
        t.check(req, false, `${e.operationId} refused (${e.status}): ${p ? `${p.path || '/'} ${p.message}` : JSON.stringify(e.responseBody)}`, {
          ...where,
          cause: 'refusal',
          ...(p ? { path: p.path, expected: p.rule } : {}),
          actual: p ? 'broken' : e.status,
        });
      }
      if (problems.some((p) => p.rule === 'unknown-field') && !cited.has('CP-FEED-002') && e.service === 'contactpoint')
        t.check('CP-FEED-002', false, 'fields outside the specification reached ContactPoint (a closed schema keeps case content out)', {
          ...where,
          path: problems.find((p) => p.rule === 'unknown-field')!.path,
        });
    }
    const carried = JSON.stringify(e.requestBody ?? '') + JSON.stringify(e.query) + e.path;
    if (sutToken && carried.includes(sutToken))
      t.check('SEC-SECRET-001', false, "the system's token appears in a URL or message body", { ...where, actual: '(token, masked)' });
  }
}

/** The scenario already recorded this refusal as the reason its message never counted (expectMessage). */
function judgedRefusal(t: TestContext, req: string, seq: number): boolean {
  return t.checks.some((c) => c.cause === 'refusal' && c.requirement === req && c.exchange === seq);
}
