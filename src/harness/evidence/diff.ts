/**
 * Compares a run with a baseline (say, the last accredited run): tests and requirements newly
 * failing or newly passing, coverage lost, and what changed in the requirement catalogue between
 * the two runs' catalogue versions. A regression is anything failing now that was not failing then.
 */
import { readFile, stat } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { existsSync } from 'node:fs';
import type { RunResult, RequirementResult } from '../model/result.js';
import type { Status, TestResult } from '../engine/types.js';
import { ConfigError } from '../model/statement.js';
import { BUNDLE_FILES } from './bundle.js';
import { isBlocking } from '../model/format.js';
import { terminalSafe as f, terminalText } from '../../platform/terminal.js';

export interface CatalogueEntry {
  id: string;
  statement: string;
  level: string;
  capability: string;
}

export interface LoadedRun {
  source: string;
  result: RunResult;
  /** The catalogue the run used: catalogue.json beside results.json, else the result's traceability. */
  catalogue: CatalogueEntry[];
}

/** Loads a run from a run directory or a results.json file. */
export async function loadRun(path: string): Promise<LoadedRun> {
  let file = path;
  try {
    if ((await stat(path)).isDirectory()) file = join(path, BUNDLE_FILES.results);
  } catch {
    throw new ConfigError(`${path}: no such run directory or results.json`);
  }
  let result: RunResult;
  try {
    result = JSON.parse(await readFile(file, 'utf8')) as RunResult;
  } catch (err) {
    throw new ConfigError(`${file}: not a readable results.json (${(err as Error).message})`);
  }
  if (!result || typeof result !== 'object' || !Array.isArray(result.tests) || !Array.isArray(result.requirements))
    throw new ConfigError(`${file}: not an ics-conformance result (no tests or requirements)`);
  let catalogue: CatalogueEntry[] = result.requirements.map(({ id, statement, level, capability }) => ({ id, statement, level, capability }));
  const catFile = join(dirname(file), BUNDLE_FILES.catalogue);
  if (existsSync(catFile)) {
    try {
      const c = JSON.parse(await readFile(catFile, 'utf8')) as { requirements?: Array<CatalogueEntry & { appliesTo?: string }> };
      if (Array.isArray(c.requirements))
        catalogue = c.requirements
          .filter((r) => r.appliesTo === undefined || r.appliesTo === 'sut')
          .map(({ id, statement, level, capability }) => ({ id, statement, level, capability }));
    } catch {
      // fall back to the result's own traceability
    }
  }
  return { source: path, result, catalogue };
}

type Before = Status | 'absent';
type After = Status | 'absent';

export interface TestChange {
  test: string;
  title: string;
  before: Before;
  after: After;
  /** For a newly failing test: what broke. */
  reason?: string;
  requirements: string[];
}

export interface RequirementChange {
  id: string;
  level: string;
  before: RequirementResult['status'] | 'absent';
  after: RequirementResult['status'] | 'absent';
}

export interface RunDiff {
  baseline: RunRef;
  run: RunRef;
  /** True when anything fails now that did not fail in the baseline. */
  regression: boolean;
  tests: { newlyFailing: TestChange[]; newlyPassing: TestChange[]; stillFailing: TestChange[]; otherChanges: TestChange[] };
  requirements: { newlyFailing: RequirementChange[]; newlyMet: RequirementChange[]; coverageLost: RequirementChange[] };
  catalogue: {
    from: string;
    to: string;
    added: CatalogueEntry[];
    removed: CatalogueEntry[];
    changed: Array<{ id: string; changes: Array<{ field: 'statement' | 'level' | 'capability'; before: string; after: string }> }>;
  };
}

interface RunRef {
  source: string;
  runId: string;
  startedAt: string;
  sut: string;
  verdict: string;
  catalogueVersion: string;
  harnessVersion: string;
}

const ref = (r: LoadedRun): RunRef => ({
  source: r.source,
  runId: r.result.run?.id,
  startedAt: r.result.run?.startedAt,
  sut: `${r.result.sut?.vendor} ${r.result.sut?.product} ${r.result.sut?.version}`,
  verdict: r.result.summary?.verdict,
  catalogueVersion: r.result.catalogueVersion,
  harnessVersion: r.result.harness?.version,
});

const failing = (t: TestResult | undefined) => !!t && isBlocking(t);
const passing = (t: TestResult | undefined) => !!t && (t.status === 'PASSED' || t.status === 'WARNING');
const VERIFIED = new Set(['PASSED', 'WARNING', 'WAIVED']);

/**
 * @example const d = diffRuns(await loadRun('accredited/'), await loadRun('reports/run-…')); process.exitCode = d.regression ? 1 : 0;
 */
export function diffRuns(baseline: LoadedRun, run: LoadedRun): RunDiff {
  const before = new Map(baseline.result.tests.map((t) => [t.id, t]));
  const after = new Map(run.result.tests.map((t) => [t.id, t]));
  const tests: RunDiff['tests'] = { newlyFailing: [], newlyPassing: [], stillFailing: [], otherChanges: [] };
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(id);
    const a = after.get(id);
    const change: TestChange = {
      test: id,
      title: (a ?? b)!.title,
      before: b?.status ?? 'absent',
      after: a?.status ?? 'absent',
      requirements: (a ?? b)!.requirements,
      ...(a && failing(a) && a.reason ? { reason: a.reason } : {}),
    };
    if (failing(a) && !failing(b)) tests.newlyFailing.push(change);
    else if (failing(a) && failing(b)) tests.stillFailing.push(change);
    else if (failing(b) && passing(a)) tests.newlyPassing.push(change);
    else if (change.before !== change.after || !!a?.waiver !== !!b?.waiver) tests.otherChanges.push(change);
  }

  const rb = new Map(baseline.result.requirements.map((r) => [r.id, r]));
  const ra = new Map(run.result.requirements.map((r) => [r.id, r]));
  const requirements: RunDiff['requirements'] = { newlyFailing: [], newlyMet: [], coverageLost: [] };
  for (const id of new Set([...rb.keys(), ...ra.keys()])) {
    const b = rb.get(id);
    const a = ra.get(id);
    const change: RequirementChange = { id, level: (a ?? b)!.level, before: b?.status ?? 'absent', after: a?.status ?? 'absent' };
    if (change.after === 'FAILED' && change.before !== 'FAILED') requirements.newlyFailing.push(change);
    else if (change.before === 'FAILED' && VERIFIED.has(change.after)) requirements.newlyMet.push(change);
    else if (VERIFIED.has(change.before) && (change.after === 'NOT_TESTED' || change.after === 'SKIPPED' || change.after === 'REVIEW'))
      requirements.coverageLost.push(change);
  }

  const cb = new Map(baseline.catalogue.map((r) => [r.id, r]));
  const ca = new Map(run.catalogue.map((r) => [r.id, r]));
  const catalogue: RunDiff['catalogue'] = {
    from: baseline.result.catalogueVersion,
    to: run.result.catalogueVersion,
    added: [],
    removed: [],
    changed: [],
  };
  for (const [id, a] of ca) {
    const b = cb.get(id);
    if (!b) {
      catalogue.added.push(a);
      continue;
    }
    const changes = (['level', 'statement', 'capability'] as const)
      .filter((f) => a[f] !== b[f])
      .map((field) => ({ field, before: b[field], after: a[field] }));
    if (changes.length) catalogue.changed.push({ id, changes });
  }
  for (const [id, b] of cb) if (!ca.has(id)) catalogue.removed.push(b);

  return {
    baseline: ref(baseline),
    run: ref(run),
    regression: tests.newlyFailing.length > 0 || requirements.newlyFailing.length > 0,
    tests,
    requirements,
    catalogue,
  };
}

/** The diff as text for a terminal or a CI log. */
export function diffText(d: RunDiff): string {
  const L: string[] = [];
  // Both runs' files are someone else's text (what a system said, or an edited bundle): every field is
  // cut and made terminal-safe, and the whole text once more at the end.
  const head = (r: RunRef) => `${f(r.sut)}, run ${f(r.runId)} (${f(r.startedAt)}), ${f(r.verdict)}, catalogue ${f(r.catalogueVersion)}`;
  L.push(`Baseline: ${head(d.baseline)}`);
  L.push(`Run:      ${head(d.run)}`);
  const section = (title: string, items: string[]) => {
    if (!items.length) return;
    L.push('', `${title} (${items.length}):`, ...items.map((i) => `  ${i}`));
  };
  const t = (c: TestChange) => `${f(c.test)}: ${f(c.before)} -> ${f(c.after)}`;
  const q = (c: RequirementChange) => `${f(c.id)} (${f(c.level)}): ${f(c.before)} -> ${f(c.after)}`;
  section(
    'Newly failing tests',
    d.tests.newlyFailing.map((c) => `${t(c)}${c.reason ? `\n      ${f(c.reason.split('\n')[0], 300)}` : ''}`),
  );
  section('Newly failing requirements', d.requirements.newlyFailing.map(q));
  section('Newly passing tests', d.tests.newlyPassing.map(t));
  section('Requirements now met', d.requirements.newlyMet.map(q));
  section(
    'Still failing',
    d.tests.stillFailing.map((c) => `${f(c.test)}: ${f(c.after)}`),
  );
  section('Coverage lost (no longer verified)', d.requirements.coverageLost.map(q));
  section('Other test changes', d.tests.otherChanges.map(t));
  if (d.catalogue.from !== d.catalogue.to || d.catalogue.added.length || d.catalogue.removed.length || d.catalogue.changed.length) {
    L.push('', `Catalogue ${f(d.catalogue.from)} -> ${f(d.catalogue.to)}:`);
    for (const r of d.catalogue.added) L.push(`  + ${f(r.id)} (${f(r.level)}, ${f(r.capability)}) ${f(r.statement, 300)}`);
    for (const r of d.catalogue.removed) L.push(`  - ${f(r.id)} (${f(r.level)}) ${f(r.statement, 300)}`);
    for (const c of d.catalogue.changed) for (const x of c.changes) L.push(`  ~ ${f(c.id)} ${x.field}: ${f(x.before, 300)} -> ${f(x.after, 300)}`);
  }
  L.push('', d.regression ? 'REGRESSION: something fails now that did not fail in the baseline.' : 'No regression against the baseline.');
  return terminalText(L.join('\n')) + '\n';
}
