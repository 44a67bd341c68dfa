/**
 * A conformance check counts only when it is shown failing against a system that breaks its
 * requirement and passing against one that meets it. Each faulty variant of the reference ICS must be
 * caught by the right requirement; the clean reference ICS must pass everything (demo test).
 */
import { describe, expect, it } from 'vitest';
import { runDemo, referenceStatement } from '../../src/engine/demo.js';
import { ALL_SUITES } from '../../suites/index.js';
import type { Variant } from '../../reference-ics/variants.js';
import { VARIANTS } from '../../reference-ics/variants.js';
import type { Suite } from '../../src/engine/types.js';

export const MATRIX: Record<Variant, { test: string; requirement: string }> = {
  'sends-case-note': { test: 'CP-FEED-002.no-case-information', requirement: 'CP-FEED-002' },
  'case-note-in-role': { test: 'CP-FEED-002.no-case-information', requirement: 'CP-FEED-002' },
  'drops-end-date': { test: 'CP-FEED-008.end-not-delete', requirement: 'CP-FEED-008' },
  'new-message-id-on-retry': { test: 'RES-001.lost-acknowledgement', requirement: 'RES-001' },
  'ignores-retry-after': { test: 'RES-001.retry-after-503', requirement: 'RES-002' },
  'no-backoff': { test: 'RES-003.backoff', requirement: 'RES-003' },
  'retries-forever': { test: 'RES-004.give-up', requirement: 'RES-004' },
  'stale-address': { test: 'CP-FEED-007.superseded-address', requirement: 'CP-FEED-007' },
  'duplicate-involvement': { test: 'CP-FEED-009.referral-uploads', requirement: 'CP-FEED-009' },
  'hard-coded-token': { test: 'SEC-AUTH-001.configured-credentials', requirement: 'SEC-AUTH-001' },
  'token-in-query': { test: 'SEC-AUTH-001.configured-credentials', requirement: 'SEC-SECRET-001' },
  'reads-contactpoint': { test: 'CP-FEED-009.referral-uploads', requirement: 'CP-FEED-013' },
  'reads-other-records': { test: 'SEC-ISO-001.own-records-only', requirement: 'SEC-ISO-001' },
  'sends-adults': { test: 'CP-FEED-005.under-18', requirement: 'CP-FEED-005' },
  'omits-sensitive-basis': { test: 'CP-FEED-006.sensitive-basis', requirement: 'CP-FEED-006' },
  'wrong-contact': { test: 'CP-FEED-009.referral-uploads', requirement: 'CP-FEED-004' },
  'drops-identifiers': { test: 'CP-FEED-003.identifiers', requirement: 'CP-FEED-003' },
  'ignores-lead-professional': { test: 'CP-FEED-012.lead-professional', requirement: 'CP-FEED-012' },
  'wrong-start-date': { test: 'CP-FEED-009.referral-uploads', requirement: 'CP-FEED-010' },
  'no-caf-indicator': { test: 'CP-CAF-001.indicator-on-log', requirement: 'CP-CAF-001' },
  'caf-content-in-indicator': { test: 'CP-CAF-001.indicator-on-log', requirement: 'CP-CAF-002' },
  'stale-caf-indicator': { test: 'CP-CAF-001.indicator-on-update', requirement: 'CP-CAF-001' },
  'transfers-without-consent': { test: 'ECAF-OUT-002.no-consent-no-transfer', requirement: 'ECAF-OUT-002' },
  'partial-transfer': { test: 'ECAF-OUT-001.transfer-complete', requirement: 'ECAF-OUT-001' },
  'accepts-unconsented-transfer': { test: 'ECAF-IN-002.refuse-bad-transfer', requirement: 'ECAF-IN-002' },
  'duplicate-import': { test: 'ECAF-IN-001.receive-transfer', requirement: 'ECAF-IN-003' },
  'fabricates-consent': { test: 'ECAF-MIG-001.migration-export', requirement: 'ECAF-MIG-002' },
  'skips-closed-episodes': { test: 'ECAF-MIG-001.migration-export', requirement: 'ECAF-MIG-001' },
  'never-releases-held': { test: 'ECAF-MIG-001.migration-export', requirement: 'ECAF-MIG-003' },
};

function only(testId: string): Suite[] {
  return ALL_SUITES.map((s) => ({ ...s, tests: s.tests.filter((t) => t.id === testId) })).filter((s) => s.tests.length > 0);
}

describe('variant matrix', () => {
  it('covers every variant', () => {
    expect(Object.keys(MATRIX).sort()).toEqual(Object.keys(VARIANTS).sort());
  });

  it.each(Object.entries(MATRIX) as Array<[Variant, { test: string; requirement: string }]>)('%s is caught by its test under %s', async (variant, { test, requirement }) => {
    const suites = only(test);
    expect(suites.flatMap((s) => s.tests)).toHaveLength(1);
    const statement = { ...referenceStatement(), timeouts: { messageMs: 1500, giveUpMs: 2500, quietMs: 250 } };
    const broken = await runDemo({ variants: [variant], suites, statement });
    const r = broken.tests[0]!;
    const failing = r.checks.filter((c) => c.verdict !== 'pass').map((c) => c.requirement);
    expect(failing, `${variant}: ${r.status} ${r.reason ?? ''}`).toContain(requirement);
    expect(r.status).toBe(requirement === 'RES-003' ? 'WARNING' : 'FAILED');
    expect(broken.summary.exitCode).toBe(requirement === 'RES-003' ? 0 : 1);
    // The same test passes against the clean reference ICS.
    const clean = await runDemo({ suites, statement });
    expect(clean.tests[0]!.status, clean.tests[0]!.reason).toBe('PASSED');
  });
});
