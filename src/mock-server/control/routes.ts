/**
 * The control API: for the harness and vendors' own tests, never for the system under test. It lives
 * under /control/v1, apart from the national APIs, and takes the control token, not a client token.
 */
import { Type, DateTimeString } from '../../platform/schema.js';
import { ContactPointId } from '../../../mocks/contactpoint/cpid.js';
import { route, json, type HandlerResult, type RouteDef } from '../../platform/http.js';
import { SERVER_JOURNAL } from '../../platform/journal.js';
import { ProblemError } from '../../platform/problem.js';
import { ProblemSchema } from '../../platform/problem-schema.js';
import type { Fault } from '../../platform/sessions.js';
import type { MockServices } from '../mock.js';
import {
  ClockState,
  CreatedSession,
  Credential,
  DirectoryChildren,
  FaultList,
  FaultView,
  JournalPage,
  LookupAudit,
  ReviewItem,
  ReviewList,
  SeedSummary,
  SessionList,
  SessionView,
} from './schemas.js';

const C = '/control/v1';
const S = `${C}/sessions/{sessionId}`;
const control = { kind: 'control' } as const;
const err = {
  401: { description: 'Missing or wrong control token.', schema: ProblemSchema },
  404: { description: 'No such session.', schema: ProblemSchema },
};

const ClientSpecSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9-]{1,40}$' }),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    organisation: Type.String({ minLength: 1, maxLength: 120 }),
    permissions: Type.Array(Type.String({ maxLength: 40 }), { maxItems: 20 }),
  },
  { additionalProperties: false },
);

const Count = Type.Integer({ minimum: 0 });
const Stats = Type.Object(
  {
    process: Type.Object({ rssBytes: Count, heapUsedBytes: Count, arrayBuffersBytes: Count }, { additionalProperties: false }),
    contactpoint: Type.Object({ sessions: Count, children: Count, sourceRecords: Count, indexBytes: Count }, { additionalProperties: false }),
  },
  { additionalProperties: false, title: 'Stats' },
);

const Dataset = Type.Unsafe<'empty' | 'hannah' | 'population'>({ type: 'string', enum: ['empty', 'hannah', 'population'] });

const CreateSession = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    clients: Type.Optional(Type.Array(ClientSpecSchema, { minItems: 1, maxItems: 20 })),
    dataset: Type.Optional(Dataset),
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    seed: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false, title: 'CreateSession' },
);

const SeedRequest = Type.Object(
  { dataset: Dataset, count: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })), seed: Type.Optional(Type.Integer({ minimum: 0 })) },
  { additionalProperties: false, title: 'SeedRequest' },
);

const JournalQuery = Type.Object(
  {
    since: Type.Optional(Type.String({ pattern: '^[0-9]{1,12}$' })),
    limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,5}$' })),
    format: Type.Optional(Type.Unsafe<string>({ type: 'string', enum: ['json', 'ndjson'] })),
    waitMs: Type.Optional(
      Type.String({
        pattern: '^[0-9]{1,5}$',
        description: 'Long poll: when nothing is newer than `since`, wait up to this long (max 30000) for the next entry.',
      }),
    ),
  },
  { additionalProperties: false },
);

/** A page of a journal (a session's, or the server's), a long poll for the next entry, or all of it as NDJSON. */
async function journalPage(mock: MockServices, id: string, query: Record<string, string>): Promise<HandlerResult> {
  if (query.format === 'ndjson') {
    const entries = mock.journal.all(id);
    return {
      status: 200,
      headers: { 'content-type': 'application/x-ndjson' },
      stream: (async function* () {
        for (const e of entries) yield JSON.stringify(e) + '\n';
      })(),
    };
  }
  const since = Number(query.since ?? 0);
  const limit = Math.min(Number(query.limit ?? 1000), 10_000);
  const waitMs = Math.min(Number(query.waitMs ?? 0), 30_000);
  // Event-driven long poll: the answer goes out as soon as the next entry is journalled.
  if (waitMs > 0 && mock.journal.lastSeq(id) <= since)
    await mock.journal.waitFor(id, () => true, { timeoutMs: waitMs, afterSeq: since }).catch(() => undefined);
  return json(200, mock.journal.list(id, { since, limit }));
}

/** How far one request may move a session's clock, and the years it may show: every date the services compute stays a real date. */
const MAX_ADVANCE_DAYS = 200 * 366;
const MAX_ADVANCE_MS = MAX_ADVANCE_DAYS * 86_400_000;
const CLOCK_MIN = Date.UTC(1900, 0, 1);
const CLOCK_MAX = Date.UTC(2200, 0, 1);

const ClockRequest = Type.Object(
  {
    now: Type.Optional(DateTimeString({ description: "Set the session's current time." })),
    advanceMs: Type.Optional(
      Type.Integer({
        minimum: -MAX_ADVANCE_MS,
        maximum: MAX_ADVANCE_MS,
        description: 'Move the clock forward (or back, if negative): at most 200 years either way.',
      }),
    ),
    advanceDays: Type.Optional(Type.Integer({ minimum: -MAX_ADVANCE_DAYS, maximum: MAX_ADVANCE_DAYS })),
    frozen: Type.Optional(Type.Boolean({ description: 'Stop (true) or restart (false) the clock.' })),
  },
  { additionalProperties: false, minProperties: 1, title: 'ClockRequest' },
);

const FaultSchema = Type.Object(
  {
    operationId: Type.String({ minLength: 1, maxLength: 60, description: 'An operationId from /openapi.json, or "*".' }),
    kind: Type.Unsafe<Fault['kind']>({
      type: 'string',
      enum: ['latency', 'error', 'drop', 'drop-after-commit'],
      description:
        'latency: process at once, answer after latencyMs (a client that times out meets its own message stored when ' +
        'it retries); error: answer with status (500, 503, 429...) and Retry-After; drop: close the connection ' +
        'unanswered; drop-after-commit: store the message, then drop (the acknowledgement is lost, so the client must ' +
        'retry with the same message ID).',
    }),
    status: Type.Optional(Type.Integer({ minimum: 400, maximum: 599 })),
    retryAfterSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600 })),
    latencyMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 120_000 })),
    count: Type.Optional(Type.Integer({ minimum: 1, description: 'Apply to this many requests, then clear.' })),
    match: Type.Optional(
      Type.Record(Type.String({ pattern: '^(/[^/]*)+$', maxLength: 200 }), Type.String({ maxLength: 200 }), {
        maxProperties: 8,
        additionalProperties: false,
        description:
          'Only requests whose JSON body holds these values at these JSON pointers, e.g. ' +
          '{"/child/identifiers/nhsNumber": "9990001234"}: a fault aimed at one child\'s messages waits for them, ' +
          'whenever they come, and no other message takes it.',
      }),
    ),
  },
  { additionalProperties: false, title: 'FaultRequest' },
);

export function controlRoutes(mock: MockServices): RouteDef[] {
  const sessionInfo = (id: string) => mock.sessions.info(id)!;
  return [
    route({
      operationId: 'createSession',
      method: 'POST',
      path: `${C}/sessions`,
      service: 'control',
      summary: "Create an isolated session and its clients' credentials",
      description:
        "The answer is the only place the clients' tokens and the session's own `controlToken` appear: keep them. The " +
        "session's control token acts on this session alone (not on others, not to create or delete sessions): hand it " +
        'to whoever runs tests in it. Without `clients`, the default set (see docs) is registered.',
      auth: control,
      requirement: 'CTL-001',
      body: CreateSession,
      responses: { 201: { description: 'The session and its credentials.', schema: CreatedSession }, ...err },
      // Seeded in steps, so a large dataset does not stall other sessions (src/mock-server/seed.ts).
      handler: async ({ body }) => json(201, await mock.createSessionAsync(body)),
    }),
    route({
      operationId: 'listSessions',
      method: 'GET',
      path: `${C}/sessions`,
      service: 'control',
      summary: 'List sessions',
      auth: control,
      requirement: 'CTL-001',
      responses: { 200: { description: 'Sessions (no tokens).', schema: SessionList }, ...err },
      handler: () => json(200, { sessions: mock.sessions.list() }),
    }),
    route({
      operationId: 'getStats',
      method: 'GET',
      path: `${C}/stats`,
      service: 'control',
      summary: 'Memory and what the directory holds',
      description:
        "The process's memory and the size of ContactPoint's in-memory indexes (docs/decisions/0007), which grow with " +
        'the children and source records held: a soak or a long session tells growth that data explains from a leak.',
      auth: control,
      requirement: 'CTL-001',
      responses: { 200: { description: 'Figures in bytes and counts.', schema: Stats }, 401: err[401] },
      handler: () => {
        const m = process.memoryUsage();
        return json(200, {
          process: { rssBytes: m.rss, heapUsedBytes: m.heapUsed, arrayBuffersBytes: m.arrayBuffers },
          contactpoint: mock.directory.memory(),
        });
      },
    }),
    route({
      operationId: 'getSession',
      method: 'GET',
      path: S,
      service: 'control',
      summary: 'Read a session (clock, faults, clients without tokens)',
      auth: control,
      requirement: 'CTL-001',
      responses: { 200: { description: 'The session.', schema: SessionView }, ...err },
      handler: ({ session }) => json(200, sessionInfo(session.id)),
    }),
    route({
      operationId: 'getOwnSession',
      method: 'GET',
      path: `${C}/session`,
      service: 'control',
      summary: 'The session a session control token belongs to',
      description: "For a holder of a session's own control token (as `createSession` returns it): which session it acts on.",
      auth: { kind: 'control', ownSession: true },
      requirement: 'CTL-001',
      responses: { 200: { description: 'The session.', schema: SessionView }, ...err },
      handler: ({ session }) => {
        if (!session)
          throw new ProblemError('ICS_ERR_SESSION_NOT_FOUND', {
            detail: "The server's control token belongs to no session: name one, /control/v1/sessions/{sessionId}",
          });
        return json(200, sessionInfo(session.id));
      },
    }),
    route({
      operationId: 'deleteSession',
      method: 'DELETE',
      path: S,
      service: 'control',
      summary: 'Delete a session and all its state',
      description: "The server's control token only: a session's own token cannot end it.",
      auth: { kind: 'control', serverOnly: true },
      requirement: 'CTL-001',
      responses: { 204: { description: 'Deleted.' }, ...err },
      handler: ({ session }) => {
        mock.deleteSession(session.id);
        return { status: 204 };
      },
    }),
    route({
      operationId: 'resetSession',
      method: 'POST',
      path: `${S}/reset`,
      service: 'control',
      summary: "Wipe the session's data, journal, clock and faults (clients stay)",
      auth: control,
      requirement: 'CTL-002',
      responses: { 200: { description: 'Reset: the session as it now is.', schema: SessionView }, ...err },
      handler: ({ session }) => {
        mock.resetSession(session.id);
        return json(200, sessionInfo(session.id));
      },
    }),
    route({
      operationId: 'seedSession',
      method: 'POST',
      path: `${S}/seed`,
      service: 'control',
      summary: 'Load a synthetic dataset into the session',
      auth: control,
      requirement: 'CTL-002',
      body: SeedRequest,
      responses: { 200: { description: 'What was loaded.', schema: SeedSummary }, ...err },
      description:
        "`hannah`: the guidance note's case study. `population`: `count` synthetic children from `seed`. Loaded in " +
        'steps of about 20 ms, so other sessions are served meanwhile; requests in this session see the dataset grow ' +
        'until the answer comes.',
      handler: async ({ session, body }) =>
        json(200, await mock.seedAsync(session.id, body.dataset, { count: body.count ?? 100, seed: body.seed ?? 1 })),
    }),
    route({
      operationId: 'rotateCredentials',
      method: 'POST',
      path: `${S}/clients/{clientId}/rotate`,
      service: 'control',
      summary: 'Issue a client a new token and revoke the old one',
      description: 'The answer is the only place the new token appears.',
      auth: control,
      requirement: 'CTL-001',
      responses: { 200: { description: 'The new credential.', schema: Credential }, ...err },
      handler: ({ session, params }) => {
        const cred = mock.sessions.rotate(session.id, params.clientId);
        if (!cred) throw new ProblemError('ICS_ERR_HTTP_NOT_FOUND', { detail: `No client "${params.clientId}" in this session` });
        return json(200, cred);
      },
    }),
    route({
      operationId: 'getJournal',
      method: 'GET',
      path: `${S}/journal`,
      service: 'control',
      summary: 'The request journal: every exchange with its verdict',
      description:
        'Page with `since` (a seq) and `limit`; `waitMs` long-polls for the next entry. `format=ndjson` streams the ' +
        'whole journal as NDJSON (for `ics-conformance validate`). `dropped` counts entries removed by the retention limit.',
      auth: control,
      requirement: 'CTL-003',
      query: JournalQuery,
      responses: { 200: { description: 'Journal entries.', schema: JournalPage }, ...err },
      handler: async ({ session, query }) => journalPage(mock, session.id, query),
    }),
    route({
      operationId: 'getServerJournal',
      method: 'GET',
      path: `${C}/journal`,
      service: 'control',
      summary: "The server's journal: national-API requests refused before a token named a session",
      description:
        'No token, an unknown or revoked token, a token in the query string only: such a request belongs to no ' +
        "session, so it is kept here (token values masked, bodies not read), for the server's control token only. " +
        "Paged like a session's journal (docs/decisions/0049).",
      auth: { kind: 'control', serverOnly: true },
      requirement: 'CTL-003',
      query: JournalQuery,
      responses: { 200: { description: 'Journal entries (sessionId "~server").', schema: JournalPage }, 401: err[401] },
      handler: async ({ query }) => journalPage(mock, SERVER_JOURNAL, query),
    }),
    route({
      operationId: 'getClock',
      method: 'GET',
      path: `${S}/clock`,
      service: 'control',
      summary: "The session's clock",
      auth: control,
      requirement: 'CTL-004',
      responses: { 200: { description: 'Now, offset, frozen.', schema: ClockState }, ...err },
      handler: ({ session }) => json(200, { now: session.now().toISOString(), ...session.clock }),
    }),
    route({
      operationId: 'setClock',
      method: 'PUT',
      path: `${S}/clock`,
      service: 'control',
      summary: "Set, move, freeze or unfreeze the session's clock",
      auth: control,
      requirement: 'CTL-004',
      body: ClockRequest,
      responses: { 200: { description: 'The clock after the change.', schema: ClockState }, ...err },
      handler: ({ session, body }) => {
        const s = session;
        let current = s.now().getTime();
        if (body.now) current = Date.parse(body.now);
        current += (body.advanceMs ?? 0) + (body.advanceDays ?? 0) * 86_400_000;
        // Checked before anything changes: a clock past any real date would break every later request of the session.
        if (!(current >= CLOCK_MIN && current < CLOCK_MAX))
          throw new ProblemError('ICS_ERR_VALIDATION', {
            errors: [{ path: '', rule: 'clock-range', requirement: 'CTL-004', message: 'the clock must stay between 1900-01-01 and 2200-01-01' }],
          });
        const frozen = body.frozen ?? s.clock.frozenAt !== null;
        mock.sessions.setClock(
          s.id,
          frozen ? { offsetMs: 0, frozenAt: new Date(current).toISOString() } : { offsetMs: current - Date.now(), frozenAt: null },
        );
        return json(200, { now: s.now().toISOString(), ...s.clock });
      },
    }),
    route({
      operationId: 'listFaults',
      method: 'GET',
      path: `${S}/faults`,
      service: 'control',
      summary: 'Faults in force',
      auth: control,
      requirement: 'CTL-005',
      responses: { 200: { description: 'Faults.', schema: FaultList }, ...err },
      handler: ({ session }) => json(200, { faults: session.faults }),
    }),
    route({
      operationId: 'addFault',
      method: 'POST',
      path: `${S}/faults`,
      service: 'control',
      summary: 'Inject a fault on an operation (latency, 5xx/429 with Retry-After, dropped connection)',
      auth: control,
      requirement: 'CTL-005',
      body: FaultSchema,
      responses: { 201: { description: 'The fault.', schema: FaultView }, ...err },
      handler: ({ session, body }) => {
        const known =
          body.operationId === '*' ||
          mock.pipeline.routes.some((r) => r.operationId === body.operationId && r.service !== 'control' && r.service !== 'meta');
        if (!known)
          throw new ProblemError('ICS_ERR_VALIDATION', {
            errors: [
              {
                path: '/operationId',
                rule: 'known-operation',
                requirement: 'CTL-005',
                message: `unknown operationId "${body.operationId}"; see /openapi.json`,
              },
            ],
          });
        const { count, ...rest } = body;
        const fault: Fault = {
          id: `F${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`,
          ...rest,
          ...(count ? { remaining: count } : {}),
        };
        mock.sessions.setFaults(session.id, [...session.faults, fault]);
        return json(201, fault);
      },
    }),
    route({
      operationId: 'clearFaults',
      method: 'DELETE',
      path: `${S}/faults`,
      service: 'control',
      summary: 'Clear every fault',
      auth: control,
      requirement: 'CTL-005',
      responses: { 204: { description: 'Cleared.' }, ...err },
      handler: ({ session }) => {
        mock.sessions.setFaults(session.id, []);
        return { status: 204 };
      },
    }),
    route({
      operationId: 'getContactPointAudit',
      method: 'GET',
      path: `${S}/contactpoint/audit`,
      service: 'control',
      summary: "ContactPoint's audit of every lookup",
      auth: control,
      requirement: 'CP-LOOKUP-005',
      responses: { 200: { description: 'Audit entries.', schema: LookupAudit }, ...err },
      handler: ({ session }) => json(200, { entries: mock.directory.auditLog(session.id) }),
    }),
    route({
      operationId: 'listContactPointChildren',
      method: 'GET',
      path: `${S}/contactpoint/children`,
      service: 'control',
      summary: 'Every child the directory holds (harness view, not a lookup)',
      auth: control,
      requirement: 'CTL-003',
      responses: { 200: { description: 'Children.', schema: DirectoryChildren }, ...err },
      handler: ({ session }) => json(200, { children: mock.directory.children(session.id) }),
    }),
    route({
      operationId: 'listReviews',
      method: 'GET',
      path: `${S}/contactpoint/reviews`,
      service: 'control',
      summary: 'The matching review queue',
      auth: control,
      requirement: 'CP-MATCH-003',
      responses: { 200: { description: 'Review items with reasons.', schema: ReviewList }, ...err },
      handler: ({ session }) => json(200, { reviews: mock.directory.reviews(session.id) }),
    }),
    route({
      operationId: 'resolveReview',
      method: 'POST',
      path: `${S}/contactpoint/reviews/{reviewId}/resolve`,
      service: 'control',
      summary: 'Resolve a review item: attach to a child, or create a new one',
      auth: control,
      requirement: 'CP-MATCH-003',
      body: Type.Object(
        { contactPointId: Type.Optional(ContactPointId), createNew: Type.Optional(Type.Boolean()) },
        { additionalProperties: false, minProperties: 1, maxProperties: 1 },
      ),
      mutates: true,
      responses: {
        200: { description: 'The resolved item.', schema: ReviewItem },
        409: { description: 'Already resolved.', schema: ProblemSchema },
        ...err,
      },
      handler: ({ session, params, body }) => json(200, mock.directory.resolveReview(session, params.reviewId, body)),
    }),
  ];
}
