/** Options several commands share, defined once. */
import type { Argv } from 'yargs';
import { mkdir } from 'node:fs/promises';
import { REPORTERS, DEFAULT_REPORTERS, type Reporter } from '../reporters/index.js';
import type { RunResult } from '../engine/result.js';

export interface ReportArgs {
  out?: string;
  reporter: string[];
}

export function withReportOptions<T>(y: Argv<T>, defaultOut: string) {
  return y
    .option('out', { type: 'string', describe: `Directory for the reports and evidence (default ${defaultOut})` })
    .option('reporter', {
      type: 'array',
      string: true,
      choices: Object.keys(REPORTERS),
      default: DEFAULT_REPORTERS,
      describe: 'Reporters to run (several allowed)',
    });
}

export function makeReporters(names: string[]): Reporter[] {
  return [...new Set(names)].map((n) => REPORTERS[n]!());
}

/** Runs every reporter over the result; returns the files written. */
export async function writeReports(result: RunResult, reporters: Reporter[], outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const files: string[] = [];
  for (const r of reporters) files.push(...(await r.write(result, outDir)));
  return files;
}
