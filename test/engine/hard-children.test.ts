/** The per-kind table of hard children: which kinds a system gets right, which it breaks and by which requirement. */
import { describe, expect, it } from 'vitest';
import { runDemo, referenceStatement } from '../../src/engine/demo.js';
import { ALL_SUITES } from '../../suites/index.js';
import { hardChildrenTable, HARD_CHILDREN_TEST } from '../../src/engine/hard-children.js';
import { summaryText } from '../../src/reporters/console.js';

const suites = ALL_SUITES.map((s) => ({ ...s, tests: s.tests.filter((t) => t.id === HARD_CHILDREN_TEST) })).filter((s) => s.tests.length);
const statement = { ...referenceStatement(), timeouts: { messageMs: 1500, giveUpMs: 2500, quietMs: 150, sutRequestMs: 500 } };

describe.concurrent('hard children, kind by kind', () => {
  it('every kind passes against the reference ICS, and the console summary lists them', async () => {
    const r = await runDemo({ suites, statement });
    expect(hardChildrenTable(r)).toEqual(['former-names', 'no-fixed-abode', 'twins', 'birthday-tomorrow', 'one-identifier'].map((kind) => ({ kind, status: 'PASSED' })));
    expect(summaryText(r)).toMatch(/Hard children \(CP-FEED-015\.hard-children\):\n {4}former-names {7}PASSED\n/);
  });

  it('a system that invents an address fails only that kind, citing CP-FEED-015', async () => {
    const rows = hardChildrenTable(await runDemo({ suites, statement, variants: ['invents-address'] }))!;
    expect(rows.filter((x) => x.status !== 'PASSED')).toEqual([{ kind: 'no-fixed-abode', status: 'FAILED', failure: { requirement: 'CP-FEED-015', message: '[no-fixed-abode] residence sent as current' } }]);
  });

  it('a kind whose message never arrives is failed under its own name (Connexions rounding ages)', async () => {
    const r = await runDemo({ suites, statement: { ...statement, ...referenceStatement('connexions'), timeouts: statement.timeouts }, profile: 'connexions', variants: ['rounds-age'] });
    const rows = hardChildrenTable(r)!;
    expect(rows.find((x) => x.kind === 'birthday-tomorrow')).toMatchObject({ status: 'FAILED', failure: { requirement: 'CP-FEED-016' } });
    expect(rows.filter((x) => x.status === 'FAILED').map((x) => x.kind)).toEqual(['birthday-tomorrow']);
  });

  it('no table when the scenario did not run', () => {
    expect(hardChildrenTable({ tests: [] })).toBeUndefined();
  });
});
