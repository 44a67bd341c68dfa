/** The per-kind table of hard children: which kinds a system gets right, which it breaks and by which requirement. */
import { describe, expect, it } from 'vitest';
import { runDemo, referenceStatement } from '../../src/harness/app/demo.js';
import { ALL_SUITES } from '../../suites/index.js';
import { hardChildrenTable, HARD_CHILDREN_TEST, HARD_CHILD_KINDS, type HardChildKind } from '../../src/harness/model/hard-children.js';
import { summaryText } from '../../src/harness/reporters/console.js';
import type { FaultyVariant } from '../../reference-ics/variants.js';
import type { SourceSystemType } from '../../src/harness/model/profiles.js';

const suites = ALL_SUITES.map((s) => ({ ...s, tests: s.tests.filter((t) => t.id === HARD_CHILDREN_TEST) })).filter((s) => s.tests.length);
const timeouts = { messageMs: 1500, giveUpMs: 2500, quietMs: 150, sutRequestMs: 500 };
const statement = (profile: SourceSystemType = 'ics') => ({ ...referenceStatement(profile), timeouts });

/** Each faulty variant that mishandles a kind of child, as the kind of system it plays, and exactly the rows it must fail with their requirement. */
const FAILS: Array<[FaultyVariant, SourceSystemType, Partial<Record<HardChildKind, string>>]> = [
  ['invents-address', 'ics', { 'no-fixed-abode': 'CP-FEED-015' }],
  ['drops-former-names', 'ics', { 'former-names': 'CP-FEED-015' }],
  ['merges-twins', 'education', { twins: 'CP-FEED-015', triplets: 'CP-FEED-015' }],
  ['strips-apostrophes', 'ics', { 'punctuated-names': 'CP-FEED-015' }],
  ['truncates-names', 'ics', { 'long-names': 'CP-FEED-015' }],
  ['ascii-names', 'health', { 'punctuated-names': 'CP-FEED-015', 'non-latin-names': 'CP-FEED-015' }],
  ['last-known-as-current', 'youth', { 'address-unknown': 'CP-FEED-015' }],
  // Only the children who hold no NHS number get the placeholder.
  ['placeholder-nhs-number', 'ics', { 'only-uln': 'CP-FEED-003', 'only-upn': 'CP-FEED-003', 'no-identifier': 'CP-FEED-003' }],
  ['holds-newborns', 'health', { 'born-today': 'CP-FEED-016' }],
  ['sends-on-18th-birthday', 'ics', { 'eighteen-today': 'CP-FEED-005' }],
  ['sends-adults', 'ics', { 'eighteen-today': 'CP-FEED-005', 'eighteen-yesterday': 'CP-FEED-005' }],
  // A kind whose message never arrives is failed under its own name.
  ['rounds-age', 'connexions', { 'birthday-tomorrow': 'CP-FEED-016' }],
];

describe.concurrent('hard children, kind by kind', () => {
  it('every kind passes against the reference ICS, and the console summary lists them', async () => {
    const r = await runDemo({ suites, statement: statement() });
    expect(hardChildrenTable(r)).toEqual(HARD_CHILD_KINDS.map((kind) => ({ kind, status: 'PASSED' })));
    expect(r.hardChildren).toEqual(hardChildrenTable(r));
    expect(summaryText(r)).toMatch(/Hard children \(CP-FEED-015\.hard-children\):\n {4}former-names {7}PASSED\n/);
    expect(summaryText(r)).toMatch(/\n {4}born-today {9}PASSED\n/);
  });

  it("a newborn is on no school's roll: born-today is not applicable to an education system, and never counted as passed", async () => {
    const rows = hardChildrenTable(await runDemo({ suites, statement: statement('education'), profile: 'education' }))!;
    expect(rows.filter((x) => x.status !== 'PASSED')).toEqual([{ kind: 'born-today', status: 'NOT APPLICABLE' }]);
  });

  it.each(FAILS)('%s (as a %s system) fails exactly its kinds, by their requirement', async (variant, profile, expected) => {
    const r = await runDemo({ suites, statement: statement(profile), profile, variants: [variant] });
    const rows = hardChildrenTable(r)!;
    const failed = Object.fromEntries(
      rows.filter((x) => x.status !== 'PASSED' && x.status !== 'NOT APPLICABLE').map((x) => [x.kind, x.failure?.requirement ?? x.status]),
    );
    expect(failed).toEqual(expected);
  });

  it('no table when the scenario did not run', () => {
    expect(hardChildrenTable({ tests: [] })).toBeUndefined();
  });
});
