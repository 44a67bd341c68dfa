/** Small helpers every reporter shares: how a value, a check and a requirement read in a report. */
import type { RunResult } from './result.js';
import type { CheckResult, Exchange, Level, TestResult } from './result-types.js';
import { requirement as catalogueEntry } from './catalogue.js';

/** A value as report text: strings as they are, anything else as compact JSON, cut at `max` characters. */
export function describeValue(v: unknown, max = 300): string {
  let s: string;
  if (typeof v === 'string') s = v;
  else if (v === undefined) s = '(none)';
  else {
    try {
      s = JSON.stringify(v) ?? String(v);
    } catch {
      s = String(v);
    }
  }
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** The requirement's level and statement, from the run's traceability (else the catalogue). */
export function requirementInfo(result: RunResult, id: string): { level: Level | undefined; statement: string | undefined } {
  const r = result.requirements.find((x) => x.id === id) ?? catalogueEntry(id);
  return { level: r?.level, statement: r?.statement };
}

export function failingChecks(t: TestResult): CheckResult[] {
  return t.checks.filter((c) => c.verdict === 'fail');
}

/** The exchange a check judged (checks name it by journal seq; harness calls have none). */
export function exchangeOf(t: TestResult, c: CheckResult): Exchange | undefined {
  if (c.exchange === undefined) return undefined;
  return t.exchanges.find((e) => e.journalSeq === c.exchange) ?? undefined;
}

/** "CP-FEED-008 (MUST)". */
export function requirementLabel(result: RunResult, id: string): string {
  const { level } = requirementInfo(result, id);
  return level ? `${id} (${level})` : id;
}

/** One line saying what broke: requirement, message, path, expected, actual. */
export function checkLine(result: RunResult, c: CheckResult, max = 200): string {
  const parts = [`${requirementLabel(result, c.requirement)}: ${c.message}`];
  if (c.path) parts.push(`at ${c.path}`);
  if (c.expected !== undefined) parts.push(`expected ${describeValue(c.expected, max)}`);
  if (c.actual !== undefined) parts.push(`actual ${describeValue(c.actual, max)}`);
  return parts.join('; ');
}

/** Blocking: a failure without a waiver, or an error. */
export function isBlocking(t: TestResult): boolean {
  return (t.status === 'FAILED' && !t.waiver) || t.status === 'ERROR';
}

/** Capabilities that ran: core plus what the statement declares. */
export function declaredCapabilities(result: RunResult): Set<string> {
  return new Set(['core', ...result.statement.capabilities]);
}

/** Per-requirement coverage: of the tests citing it, how many ran and recorded a verdict on it (a check or an attestation). */
export function requirementCoverage(result: RunResult, requirementId: string, testIds: string[]): { ran: number; total: number; percent: number } {
  const tests = testIds.map((id) => result.tests.find((t) => t.id === id)).filter((t): t is TestResult => !!t);
  const ran = tests.filter(
    (t) =>
      t.status !== 'SKIPPED' &&
      (t.checks.some((c) => c.requirement === requirementId) || t.attestations.some((a) => a.requirement === requirementId)),
  ).length;
  return { ran, total: testIds.length, percent: testIds.length ? Math.round((100 * ran) / testIds.length) : 0 };
}

/** Share of the declared capabilities' requirements that have a verdict (passed, failed, warned, waived). */
export function overallCoverage(result: RunResult): { verified: number; total: number; percent: number } {
  const declared = declaredCapabilities(result);
  const reqs = result.requirements.filter((r) => declared.has(r.capability));
  const verified = reqs.filter((r) => ['PASSED', 'FAILED', 'WARNING', 'WAIVED'].includes(r.status)).length;
  return { verified, total: reqs.length, percent: reqs.length ? Math.round((100 * verified) / reqs.length) : 0 };
}
