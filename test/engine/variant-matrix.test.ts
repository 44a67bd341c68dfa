/**
 * A conformance check counts only when it is shown failing against a system that breaks its
 * requirement and passing against one that meets it. Each faulty variant of the reference ICS must be
 * caught by its own requirement, and every MUST requirement with an automated test must be broken by
 * at least two variants (docs/decisions/0031-variant-families.md). The conformant family is in
 * conformant-variants.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { runDemo, referenceStatement } from '../../src/harness/app/demo.js';
import { ALL_SUITES } from '../../suites/index.js';
import { FAULTY_VARIANTS, type FaultyVariant } from '../../reference-ics/variants.js';
import { REQUIREMENTS } from '../../src/harness/model/catalogue.js';
import type { RunResult } from '../../src/harness/model/result.js';
import type { Suite } from '../../src/harness/engine/types.js';
import type { SourceSystemType } from '../../src/harness/model/profiles.js';

const FEED = 'CP-FEED-009.referral-uploads';
const MIG = 'ECAF-MIG-001.migration-export';
const STORY = 'STORY-001.hannahs-story';

const HARD = 'CP-FEED-015.hard-children';

/** Each faulty variant: the test that must catch it, the requirement it must be caught by, and the kind of source system it plays (default ics). */
export const MATRIX: Record<FaultyVariant, { test: string; requirement: string; profile?: SourceSystemType }> = {
  'reuses-message-id': { test: 'CP-FEED-007.superseded-address', requirement: 'CP-FEED-001' },
  'message-id-from-child': { test: 'CP-FEED-008.end-not-delete', requirement: 'CP-FEED-001' },
  'sends-case-note': { test: 'CP-FEED-002.no-case-information', requirement: 'CP-FEED-002' },
  'case-note-in-role': { test: 'CP-FEED-002.no-case-information', requirement: 'CP-FEED-002' },
  'drops-identifiers': { test: 'CP-FEED-003.identifiers', requirement: 'CP-FEED-003' },
  'bad-nhs-check-digit': { test: 'CP-FEED-003.identifiers', requirement: 'CP-FEED-003' },
  'spaced-nhs-number': { test: FEED, requirement: 'CP-FEED-003' },
  'bad-upn-check-letter': { test: 'CP-FEED-003.identifiers', requirement: 'CP-FEED-003', profile: 'education' },
  'drops-upn': { test: 'CP-FEED-003.identifiers', requirement: 'CP-FEED-003', profile: 'education' },
  'wrong-contact': { test: FEED, requirement: 'CP-FEED-004' },
  'contact-without-phone': { test: FEED, requirement: 'CP-FEED-004' },
  'sends-adults': { test: 'CP-FEED-005.under-18', requirement: 'CP-FEED-005' },
  'sends-on-18th-birthday': { test: 'CP-FEED-005.under-18', requirement: 'CP-FEED-005' },
  'sends-to-19': { test: 'CP-FEED-005.under-18', requirement: 'CP-FEED-005', profile: 'connexions' },
  'omits-sensitive-basis': { test: 'CP-FEED-006.sensitive-basis', requirement: 'CP-FEED-006', profile: 'health' },
  'wrong-sensitive-basis': { test: 'CP-FEED-006.sensitive-basis', requirement: 'CP-FEED-006', profile: 'health' },
  'basis-dropped-on-discharge': { test: 'CP-FEED-006.sensitive-basis', requirement: 'CP-FEED-006', profile: 'health' },
  'stale-address': { test: 'CP-FEED-007.superseded-address', requirement: 'CP-FEED-007' },
  'backdated-update': { test: 'CP-FEED-007.superseded-address', requirement: 'CP-FEED-007' },
  'drops-end-date': { test: 'CP-FEED-008.end-not-delete', requirement: 'CP-FEED-008' },
  'end-not-sent': { test: 'CP-FEED-008.end-not-delete', requirement: 'CP-FEED-008' },
  'duplicate-involvement': { test: FEED, requirement: 'CP-FEED-009' },
  'wrong-service': { test: FEED, requirement: 'CP-FEED-009' },
  'wrong-start-date': { test: FEED, requirement: 'CP-FEED-010' },
  'timestamp-dates': { test: FEED, requirement: 'CP-FEED-010' },
  'wrong-end-date': { test: 'CP-FEED-008.end-not-delete', requirement: 'CP-FEED-010' },
  'drops-former-names': { test: HARD, requirement: 'CP-FEED-015' },
  'invents-address': { test: HARD, requirement: 'CP-FEED-015' },
  'merges-twins': { test: HARD, requirement: 'CP-FEED-015', profile: 'education' },
  'strips-apostrophes': { test: HARD, requirement: 'CP-FEED-015' },
  'truncates-names': { test: HARD, requirement: 'CP-FEED-015' },
  'last-known-as-current': { test: HARD, requirement: 'CP-FEED-015', profile: 'youth' },
  'ascii-names': { test: HARD, requirement: 'CP-FEED-015', profile: 'health' },
  'placeholder-nhs-number': { test: HARD, requirement: 'CP-FEED-003' },
  'holds-newborns': { test: HARD, requirement: 'CP-FEED-016', profile: 'health' },
  'stops-a-day-early': { test: HARD, requirement: 'CP-FEED-016', profile: 'connexions' },
  'rounds-age': { test: HARD, requirement: 'CP-FEED-016', profile: 'connexions' },
  'ignores-lead-professional': { test: 'CP-FEED-012.lead-professional', requirement: 'CP-FEED-012' },
  'lead-from-start': { test: 'CP-FEED-012.lead-professional', requirement: 'CP-FEED-012' },
  'reads-contactpoint': { test: FEED, requirement: 'CP-FEED-013' },
  'reads-child-record': { test: FEED, requirement: 'CP-FEED-013' },
  'wrong-content-type': { test: FEED, requirement: 'CP-FEED-014' },
  'malformed-json': { test: FEED, requirement: 'CP-FEED-014' },
  'no-caf-indicator': { test: 'CP-CAF-001.indicator-on-log', requirement: 'CP-CAF-001' },
  'stale-caf-indicator': { test: 'CP-CAF-001.indicator-on-update', requirement: 'CP-CAF-001' },
  'caf-content-in-indicator': { test: 'CP-CAF-001.indicator-on-log', requirement: 'CP-CAF-002' },
  'caf-content-in-update': { test: 'CP-CAF-001.indicator-on-update', requirement: 'CP-CAF-002' },
  'partial-transfer': { test: 'ECAF-OUT-001.transfer-complete', requirement: 'ECAF-OUT-001' },
  'transfer-trims-assessment': { test: 'ECAF-OUT-001.transfer-complete', requirement: 'ECAF-OUT-001' },
  'transfer-redates-consent': { test: 'ECAF-OUT-001.transfer-complete', requirement: 'ECAF-OUT-001' },
  'transfers-without-consent': { test: 'ECAF-OUT-002.no-consent-no-transfer', requirement: 'ECAF-OUT-002' },
  'ignores-withdrawal': { test: 'ECAF-OUT-002.no-consent-no-transfer', requirement: 'ECAF-OUT-002' },
  'drops-consents-in': { test: 'ECAF-IN-001.receive-transfer', requirement: 'ECAF-IN-001' },
  'trims-assessment-in': { test: 'ECAF-IN-001.receive-transfer', requirement: 'ECAF-IN-001' },
  'accepts-unconsented-transfer': { test: 'ECAF-IN-002.refuse-bad-transfer', requirement: 'ECAF-IN-002' },
  'accepts-malformed': { test: 'ECAF-IN-002.refuse-bad-transfer', requirement: 'ECAF-IN-002' },
  'duplicate-import': { test: 'ECAF-IN-001.receive-transfer', requirement: 'ECAF-IN-003' },
  'refuses-repeat': { test: 'ECAF-IN-001.receive-transfer', requirement: 'ECAF-IN-003' },
  'skips-closed-episodes': { test: MIG, requirement: 'ECAF-MIG-001' },
  'skips-unconsented': { test: MIG, requirement: 'ECAF-MIG-001' },
  'fabricates-consent': { test: MIG, requirement: 'ECAF-MIG-002' },
  'consent-date-rewritten': { test: MIG, requirement: 'ECAF-MIG-002' },
  'never-releases-held': { test: MIG, requirement: 'ECAF-MIG-003' },
  'releases-without-consent': { test: MIG, requirement: 'ECAF-MIG-003' },
  'transfer-unknown-field': { test: 'ECAF-OUT-001.transfer-complete', requirement: 'ECAF-SCHEMA-001' },
  'transfer-wrong-content-type': { test: 'ECAF-OUT-001.transfer-complete', requirement: 'ECAF-SCHEMA-001' },
  'hard-coded-token': { test: 'SEC-AUTH-001.configured-credentials', requirement: 'SEC-AUTH-001' },
  'basic-auth': { test: 'SEC-AUTH-001.configured-credentials', requirement: 'SEC-AUTH-001' },
  'calls-shield': { test: 'SEC-ISO-001.own-records-only', requirement: 'SEC-AUTH-002' },
  'opens-national-episode': { test: 'SEC-ISO-001.own-records-only', requirement: 'SEC-AUTH-002' },
  'reads-other-records': { test: 'SEC-ISO-001.own-records-only', requirement: 'SEC-ISO-001' },
  'deletes-other-records': { test: 'SEC-ISO-001.own-records-only', requirement: 'SEC-ISO-001' },
  'token-in-query': { test: 'SEC-AUTH-001.configured-credentials', requirement: 'SEC-SECRET-001' },
  'token-in-body': { test: 'SEC-AUTH-001.configured-credentials', requirement: 'SEC-SECRET-001' },
  'new-message-id-on-retry': { test: 'RES-001.lost-acknowledgement', requirement: 'RES-001' },
  'no-retry-after-drop': { test: 'RES-001.lost-acknowledgement', requirement: 'RES-001' },
  'ignores-retry-after': { test: 'RES-001.retry-after-503', requirement: 'RES-002' },
  'retry-after-as-ms': { test: 'RES-001.retry-after-429', requirement: 'RES-002' },
  'no-backoff': { test: 'RES-003.backoff', requirement: 'RES-003' },
  'retries-forever': { test: 'RES-004.give-up', requirement: 'RES-004' },
  'slow-retries-forever': { test: 'RES-004.give-up', requirement: 'RES-004' },
  'over-budget-attempts': { test: 'RES-004.give-up', requirement: 'RES-004' },
  'forgets-undeliverable': { test: 'RES-004.give-up', requirement: 'RES-004' },
  'reports-delivered': { test: 'RES-004.give-up', requirement: 'RES-004' },
  'end-clears-contact': { test: STORY, requirement: 'STORY-001' },
  'dob-off-by-one': { test: STORY, requirement: 'STORY-001' },
  'second-referral-not-sent': { test: STORY, requirement: 'STORY-002' },
  'end-date-on-first-record': { test: STORY, requirement: 'STORY-002' },
};

function only(testId: string): Suite[] {
  return ALL_SUITES.map((s) => ({ ...s, tests: s.tests.filter((t) => t.id === testId) })).filter((s) => s.tests.length > 0);
}

const statement = (profile: SourceSystemType = 'ics') => ({
  ...referenceStatement(profile),
  timeouts: { messageMs: 1500, giveUpMs: 2500, quietMs: 250, sutRequestMs: 500 },
});

// One clean run per test and kind of system, shared by every variant that test must catch.
const clean = new Map<string, Promise<RunResult>>();
const cleanRun = (test: string, profile: SourceSystemType = 'ics') =>
  clean.get(`${test}@${profile}`) ??
  clean.set(`${test}@${profile}`, runDemo({ suites: only(test), statement: statement(profile), profile })).get(`${test}@${profile}`)!;

async function caught(variant: FaultyVariant): Promise<void> {
  const { test, requirement, profile } = MATRIX[variant];
  const suites = only(test);
  expect(suites.flatMap((s) => s.tests)).toHaveLength(1);
  const broken = await runDemo({ variants: [variant], suites, statement: statement(profile), profile: profile ?? 'ics' });
  const r = broken.tests[0]!;
  const failing = r.checks.filter((c) => c.verdict !== 'pass').map((c) => c.requirement);
  expect(failing, `${variant}: ${r.status} ${r.reason ?? ''}`).toContain(requirement);
  // Root cause first: the test's reason names the requirement the variant breaks, or the refusal that caused it.
  expect(r.status, r.reason).toBe(requirement === 'RES-003' ? 'WARNING' : 'FAILED');
  expect(broken.summary.exitCode).toBe(requirement === 'RES-003' ? 0 : 1);
  const ok = (await cleanRun(test, profile)).tests[0]!;
  expect(ok.status, ok.reason).toBe('PASSED');
}

const timing = (v: FaultyVariant) => MATRIX[v].test === 'RES-003.backoff';
const variants = Object.keys(MATRIX) as FaultyVariant[];

describe('variant matrix', () => {
  it('covers every faulty variant', () => {
    expect(Object.keys(MATRIX).sort()).toEqual(Object.keys(FAULTY_VARIANTS).sort());
  });

  it('breaks every MUST requirement with an automated test in at least two ways', () => {
    const tested = new Set(ALL_SUITES.flatMap((s) => s.tests.flatMap((t) => t.requirements)));
    const automated = REQUIREMENTS.filter((r) => r.appliesTo === 'sut' && r.level === 'MUST' && !r.noTestReason && tested.has(r.id));
    const ways = (id: string) => variants.filter((v) => MATRIX[v].requirement === id).length;
    expect(automated.filter((r) => ways(r.id) < 2).map((r) => `${r.id}: ${ways(r.id)}`)).toEqual([]);
  });

  // Backoff is judged on the gaps between attempts: measured alone, so no other run shares the event loop.
  describe('timed alone', () => {
    it.each(variants.filter(timing))('%s is caught by its own requirement', caught);
  });

  describe.concurrent('in parallel', () => {
    it.each(variants.filter((v) => !timing(v)))('%s is caught by its own requirement', caught);
  });
});
