import { expect, it } from 'vitest';
import { runDemo } from '../../src/engine/demo.js';

it('the demo run passes every suite against the reference ICS', async () => {
  const r = await runDemo();
  const notPassed = r.tests.filter((t) => t.status !== 'PASSED').map((t) => `${t.id}: ${t.status} ${t.reason ?? ''}`);
  expect(notPassed).toEqual([]);
  expect(r.summary).toMatchObject({ verdict: 'pass', exitCode: 0 });
  // Every requirement on the system that a suite tests is shown met, with evidence.
  const unmet = r.requirements.filter((q) => q.tests.length > 0 && q.status !== 'PASSED' && q.status !== 'SKIPPED');
  expect(unmet.map((q) => `${q.id} ${q.status}`)).toEqual([]);
  for (const t of r.tests.filter((x) => !x.attestations.length)) expect(t.exchanges.length, t.id).toBeGreaterThan(0);
});
