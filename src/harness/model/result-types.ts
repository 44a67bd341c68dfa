/** The result model's vocabulary: requirements, capabilities, tests' results (docs/decisions/0045: no engine import). */
import type { Static } from '../../platform/schema.js';
import type { AttestationSchema, CheckResultSchema, ExchangeSchema, LevelEnum, StatusEnum, TestResultSchema } from './result-schema.js';
export const CAPABILITIES = {
  core: 'Every integration: credentials, error handling, resilience.',
  'contactpoint-feed': 'Feeds involvement data to ContactPoint.',
  'local-ecaf': 'Has a local eCAF module that notifies ContactPoint of CAF episodes.',
  'ecaf-transfer-out': 'Transfers single episodes from its local eCAF module into National eCAF.',
  'ecaf-transfer-in': 'Receives single episodes from National eCAF into its local eCAF module.',
  'migration-export': 'Exports a batch of local eCAF episodes for migration into National eCAF.',
} as const;
export type Capability = keyof typeof CAPABILITIES;

/** The static types of the result schema (./result-schema.ts, their single source). */
export type Level = Static<typeof LevelEnum>;

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

export type Status = Static<typeof StatusEnum>;
export type CheckResult = Static<typeof CheckResultSchema>;
export type Exchange = Static<typeof ExchangeSchema>;
export type Attestation = Static<typeof AttestationSchema>;
export type TestResult = Static<typeof TestResultSchema>;

/** A parsed JSON answer from a system we do not control: checks inspect it field by field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;
