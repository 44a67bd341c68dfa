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
