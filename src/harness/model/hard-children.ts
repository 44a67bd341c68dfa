/**
 * Children that break naive systems, kind by kind: what each kind is, what the guidance says must
 * happen to it, and how a system did with it, in CP-FEED-015.hard-children (each check tagged with
 * its kind) and, with `--hard-children`, in every feed scenario re-run over the kind
 * (docs/decisions/0048-hard-children-everywhere.md).
 */
import type { RunResult } from './result.js';
import type { Static } from '../../platform/schema.js';
import type { HardChildCellSchema, HardChildRowSchema } from './result-schema.js';

/** Children that break naive systems (SyntheticData.hardChildren makes them). Here, not in synthetic.ts, so reporters need not load the fixtures. */
export const HARD_CHILD_KINDS = [
  'former-names',
  'no-fixed-abode',
  'twins',
  'birthday-tomorrow',
  'one-identifier',
  'punctuated-names',
  'non-latin-names',
  'long-names',
  'address-unknown',
  'triplets',
  'eighteen-today',
  'eighteen-yesterday',
  'only-uln',
  'only-upn',
  'no-identifier',
  'born-today',
] as const;
export type HardChildKind = (typeof HARD_CHILD_KINDS)[number];

export interface HardChildRule {
  /** The requirement a system's handling of the kind is judged by. */
  requirement: string;
  /** false: the guidance forbids sending the child (18 or over: CP-FEED-005); the scenario judges that nothing is sent. */
  sent: boolean;
  /** How many children one case of the kind is (twins 2, triplets 3). */
  children: number;
  /** Youngest and oldest the kind can be, in whole years on the run's day (a kind outside a system's caseload does not apply to it). */
  ages: { min: number; max: number };
  what: string;
}

export const HARD_CHILD_RULES: Readonly<Record<HardChildKind, HardChildRule>> = {
  'former-names': { requirement: 'CP-FEED-015', sent: true, children: 1, ages: { min: 1, max: 16 }, what: 'two earlier family names' },
  'no-fixed-abode': { requirement: 'CP-FEED-015', sent: true, children: 1, ages: { min: 1, max: 16 }, what: 'no fixed abode: "no known address"' },
  twins: {
    requirement: 'CP-FEED-015',
    sent: true,
    children: 2,
    ages: { min: 1, max: 16 },
    what: 'twins: one surname, date of birth, home and family',
  },
  'birthday-tomorrow': { requirement: 'CP-FEED-016', sent: true, children: 1, ages: { min: 17, max: 17 }, what: '17 today, 18 tomorrow' },
  'one-identifier': {
    requirement: 'CP-FEED-003',
    sent: true,
    children: 1,
    ages: { min: 1, max: 16 },
    what: 'only the identifier this kind of system holds',
  },
  'punctuated-names': {
    requirement: 'CP-FEED-015',
    sent: true,
    children: 1,
    ages: { min: 1, max: 16 },
    what: 'apostrophes, hyphens, spaces and accents in the names',
  },
  'non-latin-names': {
    requirement: 'CP-FEED-015',
    sent: true,
    children: 1,
    ages: { min: 1, max: 16 },
    what: 'names in Greek, Cyrillic, Arabic, Devanagari or Chinese script',
  },
  'long-names': {
    requirement: 'CP-FEED-015',
    sent: true,
    children: 1,
    ages: { min: 1, max: 16 },
    what: 'given, middle and family names of 90 to 100 characters',
  },
  'address-unknown': {
    requirement: 'CP-FEED-015',
    sent: true,
    children: 1,
    ages: { min: 1, max: 16 },
    what: 'whereabouts unknown: only a last known address',
  },
  triplets: {
    requirement: 'CP-FEED-015',
    sent: true,
    children: 3,
    ages: { min: 1, max: 16 },
    what: 'triplets: one surname, date of birth, home and family',
  },
  'eighteen-today': { requirement: 'CP-FEED-005', sent: false, children: 1, ages: { min: 18, max: 18 }, what: '18 today: never sent' },
  'eighteen-yesterday': { requirement: 'CP-FEED-005', sent: false, children: 1, ages: { min: 18, max: 18 }, what: '18 since yesterday: never sent' },
  'only-uln': { requirement: 'CP-FEED-003', sent: true, children: 1, ages: { min: 14, max: 16 }, what: 'a ULN and no other identifier' },
  'only-upn': { requirement: 'CP-FEED-003', sent: true, children: 1, ages: { min: 3, max: 16 }, what: 'a UPN and no other identifier' },
  // Matched on name, date of birth and postcode (CP-MATCH-002): sent like any other child, with no identifier invented.
  'no-identifier': { requirement: 'CP-FEED-003', sent: true, children: 1, ages: { min: 1, max: 16 }, what: 'no identifier at all' },
  'born-today': { requirement: 'CP-FEED-016', sent: true, children: 1, ages: { min: 0, max: 0 }, what: 'born today' },
};

/** Whether a kind of child can be on a caseload of these ages (a newborn is on no school's roll). */
export function kindFitsCaseload(kind: HardChildKind, caseload: { minAge: number; maxAge: number }): boolean {
  const { min, max } = HARD_CHILD_RULES[kind].ages;
  // A young person of 18 is judged whatever the caseload: not sending them is the rule (CP-FEED-005).
  if (!HARD_CHILD_RULES[kind].sent) return true;
  return min <= caseload.maxAge && max >= caseload.minAge;
}

export const HARD_CHILDREN_TEST = 'CP-FEED-015.hard-children';

/** The static types of the result schema (./result-schema.ts, their single source). */
export type HardChildCell = Static<typeof HardChildCellSchema>;
export type HardChildRow = Static<typeof HardChildRowSchema>;

/** The id of a feed scenario re-run over a kind: `CP-FEED-009.referral-uploads[twins]`. */
export const hardRunId = (test: string, kind: HardChildKind) => `${test}[${kind}]`;

/** One row per kind, or undefined when neither the scenario nor any re-run over a kind ran (skipped, or not selected). */
export function hardChildrenTable(result: Pick<RunResult, 'tests'>): HardChildRow[] | undefined {
  const test = result.tests.find((t) => t.id === HARD_CHILDREN_TEST);
  const ran = !!test && test.status !== 'SKIPPED' && test.status !== 'ERROR';
  const reruns = result.tests.filter((t) => t.hardChild);
  if (!ran && reruns.length === 0) return undefined;
  return HARD_CHILD_KINDS.map((kind) => {
    const mine = ran ? test.checks.filter((c) => c.message.startsWith(`[${kind}]`)) : [];
    const bad = mine.find((c) => c.verdict === 'fail');
    const na = ran && test.steps.some((s) => s.startsWith(`[${kind}] not applicable`));
    const row: HardChildRow = bad
      ? { kind, status: 'FAILED', failure: { requirement: bad.requirement, message: bad.message } }
      : { kind, status: mine.length ? 'PASSED' : na ? 'NOT APPLICABLE' : 'NOT RUN' };
    const cells = reruns
      .filter((t) => t.hardChild === kind)
      .map((t): HardChildCell => {
        const fail = t.checks.find((c) => c.verdict === 'fail');
        return {
          test: t.id.slice(0, t.id.length - kind.length - 2),
          status: t.status,
          ...(fail ? { requirement: fail.requirement } : {}),
          ...(t.reason && t.status !== 'PASSED' ? { reason: t.reason.split('\n')[0]! } : {}),
        };
      });
    if (cells.length) row.scenarios = cells;
    return row;
  });
}

/** The per-kind table as a grid for the reporters: the feed scenarios re-run (columns) and, per kind, each one's cell. */
export function hardChildrenGrid(rows: HardChildRow[]): { scenarios: string[]; cell(row: HardChildRow, test: string): HardChildCell | undefined } {
  const scenarios = [...new Set(rows.flatMap((r) => (r.scenarios ?? []).map((c) => c.test)))];
  return { scenarios, cell: (row, test) => row.scenarios?.find((c) => c.test === test) };
}

/** The short name of a row's own verdict or a cell, as the reporters print it: "PASSED", "FAILED CP-FEED-015", "SKIPPED". */
export function hardCellText(c: { status: string; requirement?: string; failure?: { requirement: string } }): string {
  const req = c.requirement ?? c.failure?.requirement;
  return c.status === 'FAILED' && req ? `FAILED ${req}` : c.status;
}
