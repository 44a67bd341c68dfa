/** Per kind of hard child, how the system did in CP-FEED-015.hard-children (the scenario tags each check with its kind). */
import type { RunResult } from './result.js';

/** Children that break naive systems (SyntheticData.hardChildren makes them). Here, not in synthetic.ts, so reporters need not load the fixtures. */
export const HARD_CHILD_KINDS = ['former-names', 'no-fixed-abode', 'twins', 'birthday-tomorrow', 'one-identifier'] as const;
export type HardChildKind = (typeof HARD_CHILD_KINDS)[number];

export const HARD_CHILDREN_TEST = 'CP-FEED-015.hard-children';

export interface HardChildRow {
  kind: HardChildKind;
  status: 'PASSED' | 'FAILED' | 'NOT RUN';
  /** The first failing check's requirement and message, when it failed. */
  failure?: { requirement: string; message: string };
}

/** One row per kind, or undefined when the scenario did not run (skipped, or not selected). */
export function hardChildrenTable(result: Pick<RunResult, 'tests'>): HardChildRow[] | undefined {
  const test = result.tests.find((t) => t.id === HARD_CHILDREN_TEST);
  if (!test || test.status === 'SKIPPED' || test.status === 'ERROR') return undefined;
  return HARD_CHILD_KINDS.map((kind) => {
    const mine = test.checks.filter((c) => c.message.startsWith(`[${kind}]`));
    const bad = mine.find((c) => c.verdict === 'fail');
    if (bad) return { kind, status: 'FAILED', failure: { requirement: bad.requirement, message: bad.message } };
    return { kind, status: mine.length ? 'PASSED' : 'NOT RUN' };
  });
}
