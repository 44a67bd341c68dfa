/**
 * JUnit XML (junit.xml) for CI test-report views: one <testsuite> per suite, one <testcase> per test
 * (classname = suite), requirement IDs and levels as properties, failures that say what broke.
 * Built with xmlbuilder2, which escapes everything; characters XML 1.0 cannot carry are replaced.
 *
 * Mapping: PASSED and WARNING pass (warnings in system-out); FAILED is a <failure>; a waived failure
 * and REVIEW are <skipped> with the reason (they do not fail the run, so they do not fail the CI job);
 * SKIPPED is <skipped>; ERROR is an <error>.
 */
import { identityLine } from '../model/identity.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import type { Reporter, ReporterDefinition } from './types.js';
import type { RunResult } from '../model/result.js';
import type { TestResult } from '../engine/types.js';
import { checkLine, describeValue, exchangeOf, failingChecks, requirementInfo, requirementLabel } from '../model/format.js';
import { privacyOf } from '../model/prepare.js';
import { hardCellText, hardChildrenTable, HARD_CHILDREN_TEST } from '../model/hard-children.js';

export const JUNIT_FILE = 'junit.xml';

// XML 1.0 allows tab, LF, CR and U+0020 upwards, less surrogates and U+FFFE/U+FFFF.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const clean = (s: string) => s.replace(INVALID_XML, '\uFFFD');
const seconds = (ms: number) => (ms / 1000).toFixed(3);

function failureText(result: RunResult, t: TestResult): string {
  const lines: string[] = [];
  for (const c of failingChecks(t)) {
    const { level, statement } = requirementInfo(result, c.requirement);
    lines.push(`${c.requirement}${level ? ` (${level})` : ''}: ${statement ?? ''}`.trimEnd());
    lines.push(`  check:    ${c.message}`);
    if (c.path) lines.push(`  path:     ${c.path}`);
    if (c.expected !== undefined) lines.push(`  expected: ${describeValue(c.expected, 2000)}`);
    if (c.actual !== undefined) lines.push(`  actual:   ${describeValue(c.actual, 2000)}`);
    const e = exchangeOf(t, c);
    if (e) lines.push(`  exchange: #${e.n} ${e.direction} ${e.method} ${e.url} -> ${e.status} (${e.at})`);
    lines.push('');
  }
  if (!lines.length && t.reason) lines.push(t.reason);
  return lines.join('\n');
}

function systemOut(result: RunResult, t: TestResult): string {
  const lines: string[] = [];
  if (t.steps.length) lines.push('Steps:', ...t.steps.map((s, i) => `  ${i + 1}. ${s}`));
  const warns = t.checks.filter((c) => c.verdict === 'warn');
  if (warns.length) lines.push('Warnings:', ...warns.map((c) => `  ${checkLine(result, c, 500)}`));
  if (t.checks.length)
    lines.push(`Checks: ${t.checks.filter((c) => c.verdict === 'pass').length} passed, ${failingChecks(t).length} failed, ${warns.length} warnings`);
  if (t.exchanges.length) lines.push(`Exchanges: ${t.exchanges.length} (full evidence in report.html and journal.ndjson)`);
  return lines.join('\n');
}

function addCase(suite: XMLBuilder, result: RunResult, t: TestResult): void {
  const tc = suite.ele('testcase', { name: clean(`${t.id}: ${t.title}`), classname: clean(t.suite), time: seconds(t.durationMs) });
  const props = tc.ele('properties');
  const prop = (name: string, value: string) => props.ele('property', { name: clean(name), value: clean(value) });
  for (const id of t.requirements) prop(`requirement:${id}`, requirementInfo(result, id).level ?? 'UNKNOWN');
  prop('capability', t.capability);
  prop('mandatory', String(t.mandatory));
  prop('status', t.status);
  if (t.hardChild) prop('hard-child', t.hardChild);
  if (t.waiver) prop('waiver', `${t.waiver.reason} (approved by ${t.waiver.approver}, expires ${t.waiver.expires})`);

  const first = failingChecks(t)[0];
  if (t.status === 'FAILED' && !t.waiver) {
    const message = first ? checkLine(result, first, 300) : (t.reason ?? 'failed');
    tc.ele('failure', { message: clean(message), type: clean(first ? requirementLabel(result, first.requirement) : 'FAILED') }).txt(
      clean(failureText(result, t)),
    );
  } else if (t.status === 'FAILED' && t.waiver) {
    tc.ele('skipped', {
      message: clean(
        `waived: ${t.waiver.reason} (approved by ${t.waiver.approver}, expires ${t.waiver.expires}); failing: ${first ? checkLine(result, first, 300) : (t.reason ?? '')}`,
      ),
    });
  } else if (t.status === 'ERROR') {
    tc.ele('error', { message: clean((t.reason ?? 'error').split('\n')[0]!), type: 'ERROR' }).txt(clean(t.reason ?? ''));
  } else if (t.status === 'SKIPPED') {
    tc.ele('skipped', { message: clean(t.reason ?? 'skipped') });
  } else if (t.status === 'REVIEW') {
    tc.ele('skipped', { message: clean(`awaiting review: ${t.reason ?? ''}`) });
  }
  const out = systemOut(result, t);
  if (out) tc.ele('system-out').txt(clean(out));
}

export function junitXml(result: RunResult): string {
  const s = result.summary;
  const counts = (tests: TestResult[]) => ({
    tests: String(tests.length),
    failures: String(tests.filter((t) => t.status === 'FAILED' && !t.waiver).length),
    errors: String(tests.filter((t) => t.status === 'ERROR').length),
    skipped: String(tests.filter((t) => t.status === 'SKIPPED' || t.status === 'REVIEW' || (t.status === 'FAILED' && t.waiver)).length),
  });
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const root = doc.ele('testsuites', {
    name: clean(`ics-conformance: ${result.sut.vendor} ${result.sut.product} ${result.sut.version}`),
    ...counts(result.tests),
    time: seconds(result.run.durationMs),
    timestamp: result.run.startedAt,
  });
  const suites = [...new Set(result.tests.map((t) => t.suite))];
  for (const [i, name] of suites.entries()) {
    const tests = result.tests.filter((t) => t.suite === name);
    const suite = root.ele('testsuite', {
      id: String(i),
      name: clean(name),
      ...counts(tests),
      time: seconds(tests.reduce((n, t) => n + t.durationMs, 0)),
      timestamp: tests[0]?.startedAt ?? result.run.startedAt,
    });
    const props = suite.ele('properties');
    const prop = (k: string, v: string) => props.ele('property', { name: k, value: clean(v) });
    prop('sut', `${result.sut.vendor} ${result.sut.product} ${result.sut.version}`);
    prop('run.id', result.run.id);
    prop('harness.version', result.harness.version);
    prop('catalogue.version', result.catalogueVersion);
    prop('verdict', `${s.label} (exit ${s.exitCode})`);
    const privacy = privacyOf(result);
    if (privacy.findings.length) prop('privacy.findings', String(privacy.findings.length));
    const identity = identityLine(result.identity, result.sut);
    if (identity) prop('identity', identity);
    if (result.run.interrupted) prop('interrupted', result.run.interrupted);
    // The per-kind table of hard children, on the feed suite: hard-child:<kind> (CP-FEED-015.hard-children) and hard-child:<kind>:<test> (each re-run).
    if (tests.some((t) => t.id === HARD_CHILDREN_TEST || t.hardChild))
      for (const r of hardChildrenTable(result) ?? []) {
        prop(`hard-child:${r.kind}`, r.failure ? `${hardCellText(r)}: ${r.failure.message}` : r.status);
        for (const c of r.scenarios ?? []) prop(`hard-child:${r.kind}:${c.test}`, hardCellText(c));
      }
    for (const t of tests) addCase(suite, result, t);
  }
  return doc.end({ prettyPrint: true }) + '\n';
}

/** junit.xml: load it in your CI's test report view (GitHub, GitLab, Jenkins, Azure DevOps). */
export function junitReporter(): Reporter {
  return {
    name: 'junit',
    async write(result, outDir) {
      await writeFile(join(outDir, JUNIT_FILE), junitXml(result));
      return [JUNIT_FILE];
    },
  };
}

export const reporter: ReporterDefinition = { name: 'junit', files: [{ path: JUNIT_FILE, render: junitXml }], create: junitReporter };
