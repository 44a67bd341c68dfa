/** Reporters read one result model; each writes its own output. Picked with --reporter. */
import type { RunResult } from '../model/result.js';
import type { ProgressEvent } from '../engine/runner.js';

export interface Reporter {
  readonly name: string;
  /** Live progress while the run goes on (console only, typically). */
  onProgress?(e: ProgressEvent): void;
  /** Writes the reporter's output into `outDir`; returns the files written (relative to outDir). */
  write(result: RunResult, outDir: string): Promise<string[]>;
}

/** One file a reporter writes into the run directory. */
export interface ReporterFile {
  readonly path: string;
  /** Its text from the result alone: `verify` regenerates it to find an edit. Absent where the bundle checks the file itself (results.json). */
  readonly render?: (result: RunResult) => string;
}

/**
 * What a reporter module exports as `reporter`: its name (its key in ./registry.ts), the files it
 * writes (the evidence bundle and test/reports/reporters.test.ts read these), and how to make one.
 */
export interface ReporterDefinition {
  readonly name: string;
  readonly files: readonly ReporterFile[];
  create(): Reporter;
}
