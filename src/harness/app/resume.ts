/**
 * `run --resume RUN_DIR` (decision 0051): a stopped run continued from its own evidence bundle. The
 * bundle must be intact and of the same conformance statement and system; the tests it judged are
 * kept with their evidence, the rest run now in a fresh mock session, and one bundle is written for
 * the whole run, in place of the stopped one.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../model/config-error.js';
import type { RunResult } from '../model/result.js';
import type { Statement } from '../model/statement.js';
import type { Suite, TestResult } from '../engine/types.js';
import { applyWaivers, runVerdict, traceability } from '../engine/runner.js';
import { markIdentityWaivers } from '../model/identity.js';

export interface Resumable {
  dir: string;
  previous: RunResult;
  /** The tests the stopped run judged: kept as they are. */
  kept: TestResult[];
}

/** A judged test keeps its verdict; one that errored, was interrupted or skipped by the tester runs again. */
const JUDGED = new Set<TestResult['status']>(['PASSED', 'FAILED', 'WARNING', 'REVIEW']);

/** The statement as accredited: where the system and the mocks run (sut, mocks) may change between the two halves. */
function accredited(s: Statement): unknown {
  const { sut: _sut, mocks: _mocks, ...rest } = s as Statement & { sut?: unknown; mocks?: unknown };
  return canonical(rest);
}

/** Key order is not meaning: objects compared with sorted keys. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  return v;
}

export async function loadResumable(dir: string, statement: Statement, mode: RunResult['run']['mode']): Promise<Resumable> {
  const file = join(dir, 'results.json');
  if (!existsSync(file)) throw new ConfigError(`--resume ${dir}: no results.json there: give the directory of a stopped run's evidence bundle`);
  const { verifyBundle } = await import('../evidence/verify.js');
  const report = await verifyBundle(dir);
  if (!report.ok)
    throw new ConfigError(
      `--resume ${dir}: the bundle is not intact (${report.problems[0]?.message ?? 'see ics-conformance verify'}): a changed bundle cannot be continued`,
    );
  const previous = JSON.parse(await readFile(file, 'utf8')) as RunResult;
  const a = accredited(previous.statement);
  const b = accredited(statement);
  if (JSON.stringify(a) !== JSON.stringify(b)) {
    const keys = [...new Set([...Object.keys(a as object), ...Object.keys(b as object)])].filter(
      (k) => JSON.stringify((a as Record<string, unknown>)[k]) !== JSON.stringify((b as Record<string, unknown>)[k]),
    );
    throw new ConfigError(
      `--resume ${dir}: that run is of a different conformance statement (${keys.join(', ')} ` +
        `differ${keys.length === 1 ? 's' : ''}): resume it with the statement it was started with, or start a new run`,
    );
  }
  if (previous.run.mode !== mode)
    throw new ConfigError(
      `--resume ${dir}: that run was ${previous.run.mode}${previous.run.mode === 'interactive' ? ': add --interactive' : ': leave out --interactive'} (one run is one mode)`,
    );
  const kept = previous.tests.filter((t) => JUDGED.has(t.status));
  if (kept.length === previous.tests.length) throw new ConfigError(`--resume ${dir}: every test of that run was judged: there is nothing to resume`);
  return { dir, previous, kept };
}

/** The system now answering must be the one the stopped run judged. */
export function assertSameSystem(r: Resumable, now: { vendor: string; product: string; version: string }): void {
  const was = r.previous.sut;
  if (was.vendor !== now.vendor || was.product !== now.product || was.version !== now.version)
    throw new ConfigError(
      `--resume ${r.dir}: that run judged ${was.vendor} ${was.product} ${was.version}; the system at --sut ` +
        `is ${now.vendor} ${now.product} ${now.version}: resume against the same system, or start a new run`,
    );
}

/** Suites narrowed to the tests still to run. */
export function remaining(suites: Suite[], r: Resumable): Suite[] {
  const kept = new Set(r.kept.map((t) => t.id));
  return suites.map((s) => ({ ...s, tests: s.tests.filter((t) => !kept.has(t.id)) })).filter((s) => s.tests.length > 0);
}

/** The stopped run's judged tests and this run's, in run order, judged as one run (same id, its first start). */
export function mergeResumed(result: RunResult, r: Resumable, suites: Suite[], statement: Statement, today: string): RunResult {
  const order = suites.flatMap((s) => s.tests.map((t) => t.id));
  const fresh = new Set(result.tests.map((t) => t.id));
  const tests = [...r.kept.filter((t) => !fresh.has(t.id)), ...result.tests].sort((x, y) => order.indexOf(x.id) - order.indexOf(y.id));
  const identity = result.identity ?? r.previous.identity;
  return {
    ...result,
    run: {
      ...result.run,
      id: r.previous.run.id,
      startedAt: r.previous.run.startedAt,
      durationMs: Date.parse(result.run.finishedAt) - Date.parse(r.previous.run.startedAt),
    },
    tests,
    summary: identity ? runVerdict(tests, identity, result.run.interrupted) : result.summary,
    requirements: traceability(tests, suites),
    waivers: identity ? markIdentityWaivers(applyWaivers(tests, statement, today), identity) : applyWaivers(tests, statement, today),
  };
}
