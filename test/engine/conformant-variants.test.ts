/**
 * Systems that make other choices the specification allows must pass every suite: a check that fails
 * one of them judges the reference ICS's habits, not the requirement (docs/decisions/0031-variant-families.md).
 */
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../src/engine/demo.js';
import { CONFORMANT_VARIANTS, type ConformantVariant } from '../../reference-ics/variants.js';

describe.concurrent('conformant variants pass every suite', { timeout: 180_000 }, () => {
  it.each(Object.keys(CONFORMANT_VARIANTS) as ConformantVariant[])('%s', async (variant) => {
    const r = await runDemo({ variants: [variant] });
    const notPassed = r.tests.filter((t) => t.status !== 'PASSED').map((t) => `${t.id}: ${t.status} ${t.reason ?? ''}`);
    expect(notPassed, variant).toEqual([]);
    expect(r.summary.verdict).toBe('pass');
  });

  it('all of them at once', async () => {
    const all = (Object.keys(CONFORMANT_VARIANTS) as ConformantVariant[]).filter((v) => v !== 'keeps-undeliverable-pending');
    const r = await runDemo({ variants: all });
    expect(r.tests.filter((t) => t.status !== 'PASSED').map((t) => `${t.id}: ${t.status} ${t.reason ?? ''}`)).toEqual([]);
  });
});
