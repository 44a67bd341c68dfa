/**
 * The run result (results.json) as TypeBox schemas: the single source of its shape. The TypeScript
 * types (RunResult, TestResult, ... in result.ts, result-types.ts, hard-children.ts) are the static
 * types of these schemas, so the types, results.schema.json and the validator cannot drift apart.
 * A field's JSDoc here is what an editor shows on the type; its description is what the JSON Schema says.
 */
import { Type, Closed, DateTimeString } from '../../platform/schema.js';
import { Statement } from './statement.js';
import { CAPABILITIES, type Capability } from './result-types.js';
import { RESULT_SCHEMA_VERSION } from './result.js';
import { HARD_CHILD_KINDS } from './hard-children.js';

const Enum = <const T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });

const CapabilityEnum = Enum(Object.keys(CAPABILITIES) as Capability[]);
export const LevelEnum = Enum(['MUST', 'SHOULD', 'MAY']);
export const StatusEnum = Enum(['PASSED', 'FAILED', 'WARNING', 'SKIPPED', 'ERROR', 'REVIEW'], "A test's outcome.");
const Any = (description: string) => Type.Unknown({ description });

export const CheckResultSchema = Closed(
  {
    requirement: Type.String({ description: 'Requirement ID from the catalogue.' }),
    verdict: Enum(['pass', 'fail', 'warn'], 'A failed SHOULD is a warning.'),
    message: Type.String(),
    path: Type.Optional(Type.String({ description: 'JSON pointer into the exchange the check judged.' })),
    expected: Type.Optional(Any('What the requirement asks for.')),
    actual: Type.Optional(Any('What the system did (credentials masked).')),
    /** seq of the journal entry (or harness call) judged. */
    exchange: Type.Optional(Type.Number({ description: 'journalSeq of the exchange judged.' })),
    cause: Type.Optional(Enum(['refusal'], 'The mock refused the message: the root cause of what else failed, shown first.')),
  },
  { title: 'CheckResult' },
);

export const ExchangeSchema = Closed(
  {
    n: Type.Integer({ minimum: 1, description: 'Order within the test.' }),
    direction: Enum(['sut->mock', 'harness->sut', 'harness->mock']),
    at: DateTimeString(),
    durationMs: Type.Number({ minimum: 0 }),
    service: Type.Optional(Type.String()),
    operationId: Type.Optional(Type.String()),
    method: Type.String(),
    url: Type.String({ description: 'Path and query (credential parameters masked).' }),
    requestHeaders: Type.Optional(Type.Record(Type.String(), Type.String())),
    requestBody: Type.Optional(Any('Parsed JSON, or the text as sent.')),
    status: Type.Integer(),
    responseBody: Type.Optional(Any('Parsed JSON, or the text as sent.')),
    verdict: Type.Optional(Type.String()),
    journalSeq: Type.Optional(Type.Integer()),
    fault: Type.Optional(Type.String({ description: 'The fault the mock injected into this exchange, as its control API describes it.' })),
    late: Type.Optional(Type.Boolean({ description: 'Arrived after its scenario ended; judged in the scenario its child belongs to.' })),
  },
  { title: 'Exchange' },
);

export const AttestationSchema = Closed(
  {
    requirement: Type.String(),
    question: Type.String(),
    answer: Enum(['yes', 'no', 'pending']),
    note: Type.Optional(Type.String()),
    by: Type.Optional(Type.String()),
  },
  { title: 'Attestation' },
);

export const TestResultSchema = Closed(
  {
    id: Type.String(),
    suite: Type.String(),
    title: Type.String(),
    requirements: Type.Array(Type.String()),
    capability: CapabilityEnum,
    mandatory: Type.Boolean(),
    status: StatusEnum,
    reason: Type.Optional(Type.String({ description: 'Why SKIPPED, ERROR or REVIEW; the first failure for FAILED.' })),
    startedAt: DateTimeString(),
    durationMs: Type.Number({ minimum: 0 }),
    checks: Type.Array(CheckResultSchema),
    exchanges: Type.Array(ExchangeSchema),
    attestations: Type.Array(AttestationSchema),
    waiver: Type.Optional(Closed({ reason: Type.String(), approver: Type.String(), expires: Type.String() })),
    /** Instructions shown to a tester (interactive mode). */
    steps: Type.Array(Type.String()),
    hardChild: Type.Optional(
      Enum(HARD_CHILD_KINDS, 'run --hard-children: the kind of hard child this re-run of a feed scenario used (its id is <test>[<kind>]).'),
    ),
  },
  { title: 'TestResult' },
);

/** One feed scenario re-run over one kind (run --hard-children): its verdict, and the requirement it broke. */
export const HardChildCellSchema = Closed({
  test: Type.String(),
  status: StatusEnum,
  requirement: Type.Optional(Type.String()),
  reason: Type.Optional(Type.String()),
});

export const HardChildRowSchema = Closed(
  {
    kind: Enum(HARD_CHILD_KINDS),
    status: Enum(['PASSED', 'FAILED', 'NOT RUN', 'NOT APPLICABLE'], 'The kind in CP-FEED-015.hard-children.'),
    /** The first failing check's requirement and message, when it failed. */
    failure: Type.Optional(Closed({ requirement: Type.String(), message: Type.String() })),
    scenarios: Type.Optional(Type.Array(HardChildCellSchema, { description: 'run --hard-children: each feed scenario re-run over the kind.' })),
  },
  { title: 'HardChildRow' },
);

export const RequirementResultSchema = Closed(
  {
    id: Type.String(),
    statement: Type.String(),
    level: LevelEnum,
    capability: CapabilityEnum,
    status: Enum(['PASSED', 'FAILED', 'WARNING', 'NOT_TESTED', 'REVIEW', 'SKIPPED', 'WAIVED']),
    tests: Type.Array(Type.String()),
    noTestReason: Type.Optional(Type.String()),
  },
  { title: 'RequirementResult' },
);

export const WaiverResultSchema = Closed(
  {
    test: Type.Optional(Type.String()),
    requirement: Type.Optional(Type.String()),
    reason: Type.String(),
    approver: Type.String(),
    expires: Type.String(),
    /** Waives a mismatch between the system's self-report and the statement (engine/identity.ts). */
    identity: Type.Optional(Type.Boolean()),
    state: Enum(['used', 'unused', 'expired']),
  },
  { title: 'WaiverResult' },
);

const count = () => Type.Integer({ minimum: 0 });

export const RunSummarySchema = Closed(
  {
    total: count(),
    PASSED: count(),
    FAILED: count(),
    WARNING: count(),
    SKIPPED: count(),
    ERROR: count(),
    REVIEW: count(),
    waived: count(),
    verdict: Enum(
      ['pass', 'fail', 'error', 'incomplete'],
      'incomplete (exit 2): nothing was judged (every test skipped), the run was interrupted or stopped (label ' +
        'INCOMPLETE: ...), or a passing run was partial (label PARTIAL (...): a selection, or tests the tester skipped).',
    ),
    label: Type.String({ description: 'The verdict as shown, e.g. "PASS, 2 awaiting review".' }),
    exitCode: Type.Unsafe<0 | 1 | 2 | 3>({
      type: 'integer',
      enum: [0, 1, 2, 3],
      description: '0 pass, 1 a blocking failure, 2 incomplete (nothing judged, interrupted, stopped or a partial pass), 3 an error.',
    }),
  },
  { title: 'RunSummary' },
);

export const PrivacyFindingSchema = Closed({
  kind: Enum(['nhs-number', 'postcode', 'name']),
  value: Type.String({ description: 'Partly masked.' }),
  reason: Type.String(),
  /** First place it was seen. */
  test: Type.String(),
  exchange: Type.Integer(),
  where: Enum(['request', 'response', 'url']),
  /** JSON pointer into the request or response body (or the query parameter's name). */
  path: Type.String(),
  /** How many times it was seen in the run. */
  occurrences: Type.Integer({ minimum: 1 }),
});

export const PrivacyReportSchema = Closed(
  {
    /** Exchanges whose SUT-sent content was scanned. */
    scanned: count(),
    findings: Type.Array(PrivacyFindingSchema),
  },
  { title: 'PrivacyReport', description: 'Identifiers in what the SUT sent that look real (src/harness/model/privacy.ts).' },
);

const resultProperties = {
  schemaVersion: Type.String({ description: `Semantic version of this format (now ${RESULT_SCHEMA_VERSION}).`, examples: [RESULT_SCHEMA_VERSION] }),
  harness: Closed({ name: Type.Literal('ics-conformance'), version: Type.String() }),
  catalogueVersion: Type.String({ description: 'Version of the requirement catalogue the run used.' }),
  run: Closed({
    id: Type.String({ format: 'uuid' }),
    startedAt: DateTimeString(),
    finishedAt: DateTimeString(),
    durationMs: Type.Number({ minimum: 0 }),
    mode: Enum(['automated', 'interactive', 'offline']),
    mockUrl: Type.Optional(Type.String()),
    sessionId: Type.Optional(Type.String()),
    interrupted: Type.Optional(
      Type.String({ description: 'Why the run ended early: the signal (SIGINT, SIGTERM), or the tester quitting at an interactive prompt.' }),
    ),
  }),
  // What the SUT says about itself: the driver API answer, not closed, so an extra field is no schema break.
  sut: Type.Object({ vendor: Type.String(), product: Type.String(), version: Type.String(), driverUrl: Type.Optional(Type.String()) }),
  identity: Type.Optional(
    Closed(
      {
        declared: Closed({ vendor: Type.String(), product: Type.String(), version: Type.String() }),
        matches: Type.Boolean(),
        mismatches: Type.Array(Enum(['vendor', 'product', 'version'])),
        waiver: Type.Optional(Closed({ reason: Type.String(), approver: Type.String(), expires: Type.String() })),
      },
      { description: "The SUT's self-report against the conformance statement; a mismatch cannot pass without a waiver." },
    ),
  ),
  statement: Statement,
  summary: RunSummarySchema,
  tests: Type.Array(TestResultSchema),
  requirements: Type.Array(RequirementResultSchema),
  waivers: Type.Array(WaiverResultSchema),
  hardChildren: Type.Optional(
    Type.Array(HardChildRowSchema, {
      description:
        'Per kind of hard child, how the system did (src/harness/model/hard-children.ts): present when CP-FEED-015.hard-children or run --hard-children ran.',
    }),
  ),
};

/** RunResult (src/harness/model/result.ts is its static type): what the run produces before the evidence step. */
export const RunResultCoreSchema = Closed(resultProperties, { title: 'RunResult' });

/** results.json: the RunResult plus what the evidence step adds (the privacy scan; optional, so older results still validate). */
export const RunResultSchema = Closed(
  { ...resultProperties, privacy: Type.Optional(PrivacyReportSchema) },
  {
    title: 'RunResult',
    description: 'The result of one ics-conformance run (results.json). Every reporter reads this model.',
  },
);
