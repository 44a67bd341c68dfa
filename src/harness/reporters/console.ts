/** Progress and a summary on the terminal: live on a TTY, one line per test otherwise. */
import type { Reporter, ReporterDefinition } from './types.js';
import type { RunResult } from '../model/result.js';
import type { Status, TestResult } from '../engine/types.js';
import { terminalSafe } from '../../platform/terminal.js';
import { identityLine } from '../model/identity.js';
import { hardChildrenTable, HARD_CHILDREN_TEST, type HardChildRow } from '../model/hard-children.js';

const COLOURS: Record<Status, string> = { PASSED: '32', FAILED: '31', WARNING: '33', SKIPPED: '90', ERROR: '35', REVIEW: '36' };

export function consoleReporter(out: NodeJS.WriteStream = process.stdout): Reporter {
  const tty = out.isTTY === true && !process.env.NO_COLOR;
  const paint = (s: Status, text: string) => (tty ? `\x1b[${COLOURS[s]}m${text}\x1b[0m` : text);
  let total = 0;
  let done = 0;
  return {
    name: 'console',
    onProgress(e) {
      if (e.type === 'start') total = e.total;
      else if (e.type === 'test-start' && tty) out.write(`\r\x1b[2K[${done + 1}/${total}] ${e.test.id} …`);
      else if (e.type === 'test-end') {
        done++;
        const r = e.result;
        // A reason can quote what the system under test answered: made terminal-safe like every SUT string.
        const line = `${paint(r.status, r.status.padEnd(7))} ${r.id}${r.waiver ? ' (waived)' : ''}  ${r.durationMs} ms${detailLines(r)}`;
        out.write(`${tty ? '\r\x1b[2K' : ''}${line}\n`);
      }
    },
    async write(result: RunResult) {
      out.write(summaryText(result, paint));
      return [];
    },
  };
}

/** Most failing checks shown under one test; the report has them all. */
export const CHECKS_SHOWN = 8;

/**
 * Under a test that did not pass: every failing check (a test can break several requirements at
 * once, and the first is rarely the whole story), else its reason.
 */
function detailLines(r: TestResult): string {
  if (r.status === 'PASSED') return '';
  const failing = r.checks.filter((c) => c.verdict === (r.status === 'WARNING' ? 'warn' : 'fail'));
  if (r.status !== 'FAILED' && r.status !== 'WARNING') return r.reason ? `\n          ${terminalSafe(r.reason.split('\n')[0], 300)}` : '';
  const shown = failing
    .slice(0, CHECKS_SHOWN)
    .map(
      (c) =>
        `\n          ${terminalSafe(c.requirement, 20)}: ${terminalSafe(c.message.split('\n')[0], 300)}${c.path ? ` (at ${terminalSafe(c.path, 80)})` : ''}`,
    );
  const more = failing.length > CHECKS_SHOWN ? `\n          … and ${failing.length - CHECKS_SHOWN} more failing checks (report.html)` : '';
  return shown.join('') + more || (r.reason ? `\n          ${terminalSafe(r.reason.split('\n')[0], 300)}` : '');
}

export function summaryText(result: RunResult, paint: (s: Status, t: string) => string = (_s, t) => t): string {
  const s = result.summary;
  const failing = result.requirements.filter((r) => r.status === 'FAILED');
  const lines = [
    '',
    `${terminalSafe(result.sut.vendor)} ${terminalSafe(result.sut.product)} ${terminalSafe(result.sut.version)}: ${terminalSafe(s.label)} (exit ${s.exitCode})`,
    `  ${s.total} tests: ${paint('PASSED', `${s.PASSED} passed`)}, ${paint('FAILED', `${s.FAILED} failed`)}` +
      `${s.waived ? ` (${s.waived} waived)` : ''}, ${paint('WARNING', `${s.WARNING} warnings`)}` +
      `, ${paint('SKIPPED', `${s.SKIPPED} skipped`)}, ${paint('ERROR', `${s.ERROR} errors`)}` +
      `, ${paint('REVIEW', `${s.REVIEW} awaiting review`)}`,
    ...[identityLine(result.identity, result.sut)].filter((x): x is string => !!x).map((x) => `  ${terminalSafe(x, 600)}`),
    ...(result.run.interrupted ? [`  Interrupted by ${terminalSafe(result.run.interrupted)}: the tests not run are ERROR.`] : []),
    ...(failing.length ? ['  Requirements not met:', ...failing.map((r) => `    ${r.id} (${r.level}) ${r.statement}`)] : []),
    ...hardChildLines(result, paint),
    ...result.waivers
      .filter((w) => w.state !== 'used')
      .map(
        (w) =>
          `  Waiver ${w.state}: ${terminalSafe(w.test ?? w.requirement)} (${terminalSafe(w.reason)}; ${terminalSafe(w.approver)}; expires ${terminalSafe(w.expires)})`,
      ),
    `  ${s.PASSED} passed, ${s.FAILED} failed`,
    '',
  ];
  return lines.join('\n');
}

/** The children that break naive systems, kind by kind (when the scenario ran). */
function hardChildLines(result: RunResult, paint: (s: Status, t: string) => string): string[] {
  const rows = hardChildrenTable(result);
  if (!rows) return [];
  return [
    `  Hard children (${HARD_CHILDREN_TEST}):`,
    ...rows.map(
      (r) =>
        `    ${r.kind.padEnd(18)}` +
        ` ${r.status === 'PASSED' || r.status === 'FAILED' ? paint(r.status, r.status) : r.status}` +
        `${r.failure ? `  ${r.failure.requirement}: ${terminalSafe(r.failure.message.split('\n')[0]!)}` : ''}`,
    ),
    ...reruns(rows, paint),
  ];
}

/** run --hard-children: kind by feed scenario, each cell the verdict and the requirement a failure broke. */
function reruns(rows: HardChildRow[], paint: (s: Status, t: string) => string): string[] {
  const withCells = rows.filter((r) => r.scenarios?.length);
  if (!withCells.length) return [];
  const out = ['  Feed scenarios over each kind of hard child (run --hard-children):'];
  for (const r of withCells) {
    const cells = r.scenarios!;
    const passed = cells.filter((c) => c.status === 'PASSED').length;
    const others = cells.filter((c) => c.status !== 'PASSED');
    out.push(`    ${r.kind.padEnd(18)} ${passed}/${cells.length} passed${others.length ? ':' : ''}`);
    for (const c of others)
      out.push(
        `      ${paint(c.status, c.status.padEnd(7))} ${c.test}${c.requirement ? `  ${c.requirement}` : ''}${c.reason ? `: ${terminalSafe(c.reason, 200)}` : ''}`,
      );
  }
  return out;
}

// Prints only: no files.
export const reporter: ReporterDefinition = { name: 'console', files: [], create: () => consoleReporter() };
