/** The result model's vocabulary: requirements, capabilities, tests' results (docs/decisions/0045: no engine import). */
import type { HardChildKind } from './hard-children.js';
export const CAPABILITIES = {
  core: 'Every integration: credentials, error handling, resilience.',
  'contactpoint-feed': 'Feeds involvement data to ContactPoint.',
  'local-ecaf': 'Has a local eCAF module that notifies ContactPoint of CAF episodes.',
  'ecaf-transfer-out': 'Transfers single episodes from its local eCAF module into National eCAF.',
  'ecaf-transfer-in': 'Receives single episodes from National eCAF into its local eCAF module.',
  'migration-export': 'Exports a batch of local eCAF episodes for migration into National eCAF.',
} as const;
export type Capability = keyof typeof CAPABILITIES;

export type Level = 'MUST' | 'SHOULD' | 'MAY';

export interface Requirement {
  id: string;
  statement: string;
  level: Level;
  capability: Capability;
  /** sut: the vendor's system must meet it (suites verify it). service: the mock national services enforce it (the project's own tests verify it). */
  appliesTo: 'sut' | 'service';
  source: { section: string; quote: string } | { domainNotes: string };
  /** Why no automated test can check it: an attestation step asks a human instead. */
  noTestReason?: string;
  /** For service requirements: the project's tests that verify the mock enforces it. */
  verifiedBy?: string[];
}

export type Status = 'PASSED' | 'FAILED' | 'WARNING' | 'SKIPPED' | 'ERROR' | 'REVIEW';

export interface CheckResult {
  requirement: string;
  verdict: 'pass' | 'fail' | 'warn';
  message: string;
  /** JSON pointer into the exchange the check judged. */
  path?: string;
  expected?: unknown;
  actual?: unknown;
  /** seq of the journal entry (or harness call) judged. */
  exchange?: number;
  /** 'refusal': the mock refused the message, the root cause of whatever else failed: shown first. */
  cause?: 'refusal';
}

export interface Exchange {
  /** Order within the test. */
  n: number;
  direction: 'sut->mock' | 'harness->sut' | 'harness->mock';
  at: string;
  durationMs: number;
  service?: string;
  operationId?: string;
  method: string;
  url: string;
  requestHeaders?: Record<string, string>;
  requestBody?: unknown;
  status: number;
  responseBody?: unknown;
  verdict?: string;
  journalSeq?: number;
  /** The fault the mock injected into this exchange (its control API's description: "error 503 retry-after=1"). */
  fault?: string;
  /** Arrived after its scenario had ended (judged here, where its child belongs). */
  late?: boolean;
}

export interface Attestation {
  requirement: string;
  question: string;
  answer: 'yes' | 'no' | 'pending';
  note?: string;
  by?: string;
}

export interface TestResult {
  id: string;
  suite: string;
  title: string;
  requirements: string[];
  capability: Capability;
  mandatory: boolean;
  status: Status;
  /** Why SKIPPED, ERROR or REVIEW; the first failure for FAILED. */
  reason?: string;
  startedAt: string;
  durationMs: number;
  checks: CheckResult[];
  exchanges: Exchange[];
  attestations: Attestation[];
  waiver?: { reason: string; approver: string; expires: string };
  /** Instructions shown to a tester (interactive mode). */
  steps: string[];
  /** run --hard-children: this is a feed scenario re-run with children of this kind (id: `<test>[<kind>]`). */
  hardChild?: HardChildKind;
}

/** A parsed JSON answer from a system we do not control: checks inspect it field by field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;
