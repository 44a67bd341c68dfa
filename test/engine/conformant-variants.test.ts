/**
 * Systems that make other choices the specification allows must pass every suite: a check that fails
 * one of them judges the reference ICS's habits, not the requirement (docs/decisions/0031-variant-families.md).
 */
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../src/harness/app/demo.js';
import { CONFORMANT_VARIANTS, type ConformantVariant } from '../../reference-ics/variants.js';
import type { RunResult } from '../../src/harness/model/result.js';
import type { SourceSystemType } from '../../src/harness/model/profiles.js';

/** Every test PASSED, but for those the system's kind excludes (skipped, saying so: docs/decisions/0035-source-system-profiles.md). */
const notPassed = (r: RunResult) =>
  r.tests
    .filter((t) => t.status !== 'PASSED' && !(t.status === 'SKIPPED' && /^(not applicable to an? |capability ")/.test(t.reason ?? '')))
    .map((t) => `${t.id}: ${t.status} ${t.reason ?? ''}`);

describe.concurrent('conformant variants pass every suite', { timeout: 180_000 }, () => {
  it.each(Object.keys(CONFORMANT_VARIANTS) as ConformantVariant[])('%s', async (variant) => {
    const r = await runDemo({ variants: [variant] });
    expect(notPassed(r), variant).toEqual([]);
    expect(r.summary.verdict).toBe('pass');
  });

  const all = (Object.keys(CONFORMANT_VARIANTS) as ConformantVariant[]).filter((v) => v !== 'keeps-undeliverable-pending');
  it('all of them at once', async () => {
    expect(notPassed(await runDemo({ variants: all }))).toEqual([]);
  });

  // The kinds whose rules the ICS does not meet: a school's UPN, a clinic's sensitive services, a Connexions caseload to 19.
  it.each(['education', 'health', 'connexions'] as SourceSystemType[])('all of them at once, as a %s system', async (profile) => {
    const r = await runDemo({ variants: all, profile });
    expect(notPassed(r)).toEqual([]);
    expect(r.summary.verdict).toBe('pass');
  });
});
