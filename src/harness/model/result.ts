/** The run's result model: one versioned shape that every reporter reads. */
import type { Capability, Level, Status, TestResult } from './result-types.js';
import type { Statement } from './statement.js';
import type { HardChildRow } from './hard-children.js';

export const RESULT_SCHEMA_VERSION = '1.0.0';

export interface RequirementResult {
  id: string;
  statement: string;
  level: Level;
  capability: Capability;
  status: 'PASSED' | 'FAILED' | 'WARNING' | 'NOT_TESTED' | 'REVIEW' | 'SKIPPED' | 'WAIVED';
  tests: string[];
  noTestReason?: string;
}

export interface WaiverResult {
  test?: string;
  requirement?: string;
  reason: string;
  approver: string;
  expires: string;
  /** Waives a mismatch between the system's self-report and the statement (engine/identity.ts). */
  identity?: boolean;
  state: 'used' | 'unused' | 'expired';
}

export interface RunSummary {
  total: number;
  PASSED: number;
  FAILED: number;
  WARNING: number;
  SKIPPED: number;
  ERROR: number;
  REVIEW: number;
  waived: number;
  /** incomplete (always exit 2): nothing was judged (every test skipped), the run was interrupted (SIGINT/SIGTERM, the tester's q; the tests it did not run are ERROR) or stopped, or a partial run passed (decision 0051). */
  verdict: 'pass' | 'fail' | 'error' | 'incomplete';
  /** The verdict as shown: "PASS, 2 awaiting review" when attestations are still to be answered. */
  label: string;
  exitCode: 0 | 1 | 2 | 3;
}

export interface RunResult {
  schemaVersion: string;
  harness: { name: 'ics-conformance'; version: string };
  catalogueVersion: string;
  run: {
    id: string;
    startedAt: string;
    finishedAt: string;
    durationMs: number;
    mode: 'automated' | 'interactive' | 'offline';
    mockUrl?: string;
    sessionId?: string;
    interrupted?: string;
  };
  sut: { vendor: string; product: string; version: string; driverUrl?: string };
  /** The SUT's self-report against the statement's vendor, product and version. */
  identity?: {
    declared: { vendor: string; product: string; version: string };
    matches: boolean;
    mismatches: Array<'vendor' | 'product' | 'version'>;
    waiver?: { reason: string; approver: string; expires: string };
  };
  statement: Statement;
  summary: RunSummary;
  tests: TestResult[];
  requirements: RequirementResult[];
  waivers: WaiverResult[];
  /** Per kind of hard child (hardChildrenTable): when CP-FEED-015.hard-children or run --hard-children ran. */
  hardChildren?: HardChildRow[];
}

export type { Status };
