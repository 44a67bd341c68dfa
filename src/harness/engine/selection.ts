/**
 * Test selection (`--only`, `--grep`, `--suite`) and what it does to the verdict (decision 0051).
 * A selection narrows what runs; it never narrows what an accreditation needs. A selected run is
 * PARTIAL: its label says how many of the statement's tests ran, and a partial pass is `incomplete`
 * (exit 2), never PASS. A failure found in part of a run is still a failure and keeps its verdict.
 */
import { ConfigError } from '../model/config-error.js';
import type { RunSummary } from '../model/result.js';
import type { Statement } from '../model/statement.js';
import type { Suite, TestResult } from './types.js';
import { VERDICT_EXIT, selectTests } from './runner.js';

export interface Selection {
  /** Test IDs or requirement IDs: a test is selected when it is named or cites a named requirement. */
  only?: string[];
  /** A regular expression (case-insensitive) over the test's ID and title. */
  grep?: string;
  /** Suite IDs. */
  suite?: string[];
}

export interface Selected {
  suites: Suite[];
  /** The tests the statement applies to (capability declared, not deselected) that the selection keeps, and of how many. */
  selected: number;
  of: number;
  /** The selection in words, for the label: `--only CP-FEED-008 --suite security`. */
  describe: string;
}

/** The suites narrowed to the selection; every filter given narrows further. Unknown IDs and empty selections are usage errors. */
export function applySelection(statement: Statement, suites: Suite[], sel: Selection): Selected {
  const tests = suites.flatMap((s) => s.tests.map((t) => ({ s, t })));
  const requirements = new Set(tests.flatMap(({ t }) => t.requirements));
  for (const id of sel.only ?? [])
    if (!tests.some(({ t }) => t.id === id) && !requirements.has(id))
      throw new ConfigError(`--only: no test or requirement "${id}" (see \`ics-conformance list\`)`);
  for (const id of sel.suite ?? [])
    if (!suites.some((s) => s.id === id)) throw new ConfigError(`--suite: no suite "${id}"; the suites are ${suites.map((s) => s.id).join(', ')}`);
  let re: RegExp | undefined;
  if (sel.grep !== undefined) {
    try {
      re = new RegExp(sel.grep, 'i');
    } catch (err) {
      throw new ConfigError(`--grep ${sel.grep}: not a regular expression (${(err as Error).message})`);
    }
  }
  const only = new Set(sel.only ?? []);
  const keep = (s: Suite, t: Suite['tests'][number]) =>
    (!only.size || only.has(t.id) || t.requirements.some((r) => only.has(r))) &&
    (!sel.suite?.length || sel.suite.includes(s.id)) &&
    (!re || re.test(t.id) || re.test(t.title));
  const narrowed = suites.map((s) => ({ ...s, tests: s.tests.filter((t) => keep(s, t)) })).filter((s) => s.tests.length > 0);
  const describe = [
    ...(sel.only?.length ? [`--only ${sel.only.join(' ')}`] : []),
    ...(sel.grep !== undefined ? [`--grep ${sel.grep}`] : []),
    ...(sel.suite?.length ? [`--suite ${sel.suite.join(' ')}`] : []),
  ].join(' ');
  if (!narrowed.length) throw new ConfigError(`${describe}: selects no test (see \`ics-conformance list\`)`);
  const applicable = (ss: Suite[]) => selectTests(statement, ss, suites).filter((x) => !x.skip).length;
  return { suites: narrowed, selected: applicable(narrowed), of: applicable(suites), describe };
}

/**
 * A summary relabelled as partial: `PARTIAL (3 of 27 tests, --only ...): PASS`. A partial pass (or
 * a partial run that judged nothing) is incomplete; fail and error keep their verdict.
 */
export function partialSummary(s: RunSummary, why: string): RunSummary {
  const verdict = s.verdict === 'pass' ? 'incomplete' : s.verdict;
  return { ...s, verdict, label: `PARTIAL (${why}): ${s.label}`, exitCode: VERDICT_EXIT[verdict] };
}

/** Why a run is partial, in words, or undefined for a full run. */
export function partialReason(selection: Selected | undefined, tests: TestResult[], skippedByTester: string[]): string | undefined {
  const parts: string[] = [];
  if (selection) parts.push(`${selection.selected} of ${selection.of} tests, ${selection.describe}`);
  const skipped = skippedByTester.filter((id) => tests.some((t) => t.id === id && t.status === 'SKIPPED'));
  if (skipped.length) parts.push(`skipped at the terminal: ${skipped.join(', ')}`);
  return parts.length ? parts.join('; ') : undefined;
}
