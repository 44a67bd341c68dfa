/** One table for every figure, as Markdown (it reads in a terminal and pastes into the docs). */
import { availableParallelism, loadavg, release, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';

export interface Row {
  measure: string;
  subject: string;
  result: string;
  detail: string;
  target: string;
  /** true met, false not met, null: no target (a baseline). */
  met: boolean | null;
}

export function renderTable(rows: Row[]): string {
  const head = ['Measure', 'Subject', 'Result', 'Detail', 'Target', 'Met'];
  const cells = rows.map((r) => [r.measure, r.subject, r.result, r.detail, r.target || '-', r.met === null ? '-' : r.met ? 'met' : 'NOT MET']);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}

export interface Machine {
  nproc: number;
  cpu: string;
  memoryGiB: number;
  node: string;
  kernel: string;
  date: string;
  /** 1-, 5- and 15-minute load averages when the figures were taken: other work on the machine skews them. */
  loadavg: number[];
}

export function machine(): Machine {
  let cpu = 'unknown';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    // not Linux
  }
  return {
    nproc: availableParallelism(),
    cpu,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    kernel: release(),
    date: new Date().toISOString(),
    loadavg: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

export const int = (n: number): string => Math.round(n).toLocaleString('en-GB');
export const mib = (bytes: number): string => `${Math.round(bytes / 2 ** 20)} MiB`;
