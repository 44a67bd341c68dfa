/**
 * summary.md: a short Markdown summary for a pull-request comment or a CI job summary
 * ($GITHUB_STEP_SUMMARY): the verdict, the counts, each requirement not met with its first failing
 * check, waivers and privacy findings. Everything the SUT sent goes into code spans or escaped text,
 * so it cannot turn into links, images or HTML where the summary is shown.
 */
import { identityLine } from '../model/identity.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Reporter, ReporterDefinition } from './types.js';
import type { RunResult } from '../model/result.js';
import { describeValue, failingChecks, overallCoverage } from '../model/format.js';
import { privacyOf } from '../model/prepare.js';
import { hardCellText, hardChildrenGrid, hardChildrenTable, HARD_CHILDREN_TEST } from '../model/hard-children.js';

export const MARKDOWN_FILE = 'summary.md';

/**
 * Text with Markdown and HTML meaning removed, on one line: the characters that can start emphasis,
 * code, links, images, tables or strikethrough mid-line are backslash-escaped; `<` and `&` become entities.
 */
export function mdText(s: string, max = 300): string {
  const one = s.replace(/\s+/g, ' ').trim();
  const cut = one.length > max ? `${one.slice(0, max - 1)}…` : one;
  return cut
    .replace(/[\\`*_[\]|~]/g, '\\$&')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** A code span that holds any text (a fence longer than any backtick run inside); pipes escaped for tables. */
export function mdCode(s: string, max = 160): string {
  const one = s.replace(/\s+/g, ' ').trim();
  const cut = one.length > max ? `${one.slice(0, max - 1)}…` : one;
  const longest = Math.max(0, ...[...cut.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = cut.startsWith('`') || cut.endsWith('`') || cut === '' ? ' ' : '';
  return `${fence}${pad}${cut.replace(/\|/g, '\\|')}${pad}${fence}`;
}

/** Most failing checks listed under one test; report.html has every one. */
const FAILING_SHOWN = 20;

const MARK = { pass: '✅', fail: '❌', error: '⚠️', incomplete: '⏸️' } as const;

export function markdownSummary(result: RunResult): string {
  const s = result.summary;
  const cov = overallCoverage(result);
  const L: string[] = [];
  L.push(`## ${MARK[s.verdict]} ${mdText(s.label)}: ${mdText(`${result.sut.vendor} ${result.sut.product} ${result.sut.version}`)}`);
  L.push('');
  const run = `run ${mdCode(result.run.id)} · ${mdText(result.run.startedAt)}`;
  L.push(`ics-conformance ${mdText(result.harness.version)} · catalogue ${mdText(result.catalogueVersion)} · ${run} · exit code **${s.exitCode}**`);
  const identity = identityLine(result.identity, result.sut);
  if (identity) L.push('', `**Identity:** ${mdText(identity, 600)}`);
  if (result.run.interrupted) L.push('', `**Interrupted** by ${mdText(result.run.interrupted)}: the tests not run are ERROR.`);
  L.push('');
  L.push('| Tests | Passed | Failed | Warnings | Skipped | Errors | Review | Waived | Requirements verified |');
  L.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  L.push(
    `| ${s.total} | ${s.PASSED} | ${s.FAILED} | ${s.WARNING} | ${s.SKIPPED} | ${s.ERROR} | ${s.REVIEW} | ${s.waived} | ${cov.verified}/${cov.total} (${cov.percent}%) |`,
  );

  const failing = result.requirements.filter((r) => r.status === 'FAILED');
  if (failing.length) {
    L.push('', `### Requirements not met (${failing.length})`, '');
    L.push('| Requirement | Level | Test | First failing check | Path | Expected | Actual |');
    L.push('| --- | --- | --- | --- | --- | --- | --- |');
    for (const r of failing) {
      const test = result.tests.find((t) => !t.waiver && t.checks.some((c) => c.requirement === r.id && c.verdict === 'fail'));
      const c = test ? failingChecks(test).find((x) => x.requirement === r.id) : undefined;
      L.push(
        `| **${mdText(r.id)}** | ${r.level} | ${test ? mdCode(test.id) : ''} | ${c ? mdText(c.message, 200) : ''} ` +
          `| ${c?.path ? mdCode(c.path) : ''} ` +
          `| ${c && c.expected !== undefined ? mdCode(describeValue(c.expected, 120)) : ''} | ${c && c.actual !== undefined ? mdCode(describeValue(c.actual, 120)) : ''} |`,
      );
    }
    L.push('', ...failing.map((r) => `- **${mdText(r.id)}** (${r.level}): ${mdText(r.statement, 400)}`));
  }

  // Every failing check of each failed test: the table above shows one per requirement, and a test
  // that breaks a requirement twice (or three at once) must not read as one slip.
  const failed = result.tests.filter((t) => t.status === 'FAILED' && failingChecks(t).length);
  if (failed.length) {
    L.push(
      '',
      `### Failing checks (${failed.reduce((n, t) => n + failingChecks(t).length, 0)} in ${failed.length} test${failed.length === 1 ? '' : 's'})`,
      '',
    );
    for (const t of failed) {
      const checks = failingChecks(t);
      L.push(`- ${mdCode(t.id)}${t.waiver ? ' (waived)' : ''}:`);
      for (const c of checks.slice(0, FAILING_SHOWN))
        L.push(
          `  - **${mdText(c.requirement)}** ${mdText(c.message, 200)}${c.path ? ` at ${mdCode(c.path)}` : ''}` +
            `${c.expected !== undefined ? `, expected ${mdCode(describeValue(c.expected, 80))}` : ''}` +
            `${c.actual !== undefined ? `, actual ${mdCode(describeValue(c.actual, 80))}` : ''}` +
            `${c.exchange !== undefined ? ` (exchange, journal seq ${mdText(String(c.exchange))})` : ''}`,
        );
      if (checks.length > FAILING_SHOWN) L.push(`  - … and ${checks.length - FAILING_SHOWN} more (report.html)`);
    }
  }

  L.push(...hardChildrenMd(result));

  const errors = result.tests.filter((t) => t.status === 'ERROR');
  if (errors.length) {
    L.push('', `### Errors (${errors.length})`, '', ...errors.map((t) => `- ${mdCode(t.id)}: ${mdText((t.reason ?? '').split('\n')[0] ?? '', 300)}`));
  }
  const warnings = result.tests.filter((t) => t.status === 'WARNING');
  if (warnings.length) {
    L.push('', `### Warnings (${warnings.length})`, '', ...warnings.map((t) => `- ${mdCode(t.id)}: ${mdText(t.reason ?? '', 300)}`));
  }
  const review = result.tests.filter((t) => t.status === 'REVIEW');
  if (review.length) {
    L.push('', `### Awaiting review (${review.length})`, '', ...review.map((t) => `- ${mdCode(t.id)}: ${mdText(t.reason ?? '', 300)}`));
  }
  if (result.waivers.length) {
    L.push('', `### Waivers (${result.waivers.length})`, '', '| Covers | State | Reason | Approver | Expires |', '| --- | --- | --- | --- | --- |');
    for (const w of result.waivers)
      L.push(
        `| ${mdCode(w.test ?? w.requirement ?? '')} | ${w.state} | ${mdText(w.reason, 200)} | ${mdText(w.approver, 100)} | ${mdText(w.expires)} |`,
      );
  }
  const privacy = privacyOf(result);
  if (privacy.findings.length) {
    L.push('', `### ⚠️ Privacy: ${privacy.findings.length} identifier(s) that look real`, '');
    L.push('Synthetic data only in a test build. Values are partly masked; see report.html for where they were sent.', '');
    L.push('| Kind | Value | Why | Test | Exchange |', '| --- | --- | --- | --- | --- |');
    for (const f of privacy.findings)
      L.push(`| ${f.kind} | ${mdCode(f.value)} | ${mdText(f.reason)} | ${mdCode(f.test)} | #${f.exchange} ${f.where} ${mdCode(f.path || '/')} |`);
  }
  L.push(
    '',
    '<sub>Full evidence in the run directory: report.html, junit.xml, results.json, journal.ndjson and manifest.json (signed with `--sign-key`). Check it with `ics-conformance verify DIR`.</sub>',
    '',
  );
  return L.join('\n');
}

/** The per-kind table of hard children: each kind in CP-FEED-015.hard-children and, with --hard-children, in every feed scenario re-run over it. */
function hardChildrenMd(result: RunResult): string[] {
  const rows = hardChildrenTable(result);
  if (!rows) return [];
  const { scenarios, cell } = hardChildrenGrid(rows);
  const mark = (c: { status: string; requirement?: string; failure?: { requirement: string } } | undefined) =>
    !c ? '' : `${c.status === 'PASSED' ? '✅' : c.status === 'FAILED' ? '❌' : ''} ${mdText(hardCellText(c))}`.trim();
  const L = [
    '',
    `### Hard children (${rows.filter((r) => r.status === 'FAILED' || r.scenarios?.some((c) => c.status === 'FAILED')).length} of ${rows.length} kinds failed)`,
    '',
  ];
  L.push(`| Kind | ${mdCode(HARD_CHILDREN_TEST)} |${scenarios.map((x) => ` ${mdCode(x)} |`).join('')}`);
  L.push(`| --- | --- |${scenarios.map(() => ' --- |').join('')}`);
  for (const r of rows) L.push(`| ${mdCode(r.kind)} | ${mark(r)} |${scenarios.map((x) => ` ${mark(cell(r, x))} |`).join('')}`);
  const failures = rows.filter((r) => r.failure);
  if (failures.length)
    L.push('', ...failures.map((r) => `- ${mdCode(r.kind)}: **${mdText(r.failure!.requirement)}** ${mdText(r.failure!.message, 300)}`));
  return L;
}

/** summary.md: post it as a PR comment, or append it to $GITHUB_STEP_SUMMARY. */
export function markdownReporter(): Reporter {
  return {
    name: 'markdown',
    async write(result, outDir) {
      await writeFile(join(outDir, MARKDOWN_FILE), markdownSummary(result));
      return [MARKDOWN_FILE];
    },
  };
}

export const reporter: ReporterDefinition = { name: 'markdown', files: [{ path: MARKDOWN_FILE, render: markdownSummary }], create: markdownReporter };
