import { expect, it } from 'vitest';
import { runDemo } from '../../src/harness/app/demo.js';
import { documentedSuites, suitesRun } from '../support/source-system-docs.js';

it('the demo run passes every suite against the reference ICS', async () => {
  const r = await runDemo();
  // A rule the ICS profile excludes (an ICS reports no sensitive service) is skipped, saying so; everything else passes.
  const notApplicable = (t: (typeof r.tests)[number]) => t.status === 'SKIPPED' && /^not applicable to an ics system/.test(t.reason ?? '');
  const notPassed = r.tests.filter((t) => t.status !== 'PASSED' && !notApplicable(t)).map((t) => `${t.id}: ${t.status} ${t.reason ?? ''}`);
  expect(notPassed).toEqual([]);
  expect(r.tests.filter(notApplicable).map((t) => t.id)).toEqual(['CP-FEED-006.sensitive-basis']);
  expect(r.summary).toMatchObject({ verdict: 'pass', exitCode: 0 });
  expect(documentedSuites('ics'), 'docs/source-systems.md#ics: "Suites that apply:"').toEqual(suitesRun(r.tests));
  // Every requirement on the system that a suite tests is shown met, with evidence.
  const unmet = r.requirements.filter((q) => q.tests.length > 0 && q.status !== 'PASSED' && q.status !== 'SKIPPED');
  expect(unmet.map((q) => `${q.id} ${q.status}`)).toEqual([]);
  for (const t of r.tests.filter((x) => !x.attestations.length && !notApplicable(x))) expect(t.exchanges.length, t.id).toBeGreaterThan(0);
});
