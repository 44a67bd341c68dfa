/**
 * What the control API answers, as JSON Schema: published in /openapi.json beside the national
 * services' messages. Open objects (unlike the requests): a client reads the fields it knows, and a
 * field added later breaks no one. test/contactpoint/control-responses.test.ts checks real answers against them.
 */
import { Type, DateTimeString } from '../../platform/schema.js';
import { ChildIdentity } from '../../platform/schemas/common.js';
import { ContactPointId } from '../../../mocks/contactpoint/cpid.js';

const Count = Type.Integer({ minimum: 0 });
const Strings = Type.Array(Type.String());

const Clock = Type.Object(
  {
    offsetMs: Type.Number({ description: "The session's time minus the server's, while it runs." }),
    frozenAt: Type.Union([DateTimeString(), Type.Null()], { description: 'Where the clock stands while frozen; null when it runs.' }),
  },
  { title: 'SessionClock' },
);

export const ClockState = Type.Object(
  { now: DateTimeString(), offsetMs: Clock.properties.offsetMs, frozenAt: Clock.properties.frozenAt },
  { title: 'ClockState' },
);

export const FaultView = Type.Object(
  {
    id: Type.String(),
    operationId: Type.String(),
    kind: Type.String({ enum: ['latency', 'error', 'drop', 'drop-after-commit'] }),
    status: Type.Optional(Type.Integer()),
    retryAfterSeconds: Type.Optional(Type.Integer()),
    latencyMs: Type.Optional(Type.Integer()),
    remaining: Type.Optional(Type.Integer({ minimum: 1, description: 'Requests it still applies to; absent: until cleared.' })),
    match: Type.Optional(Type.Record(Type.String(), Type.String())),
  },
  { title: 'Fault' },
);

const ClientView = Type.Object(
  { id: Type.String(), name: Type.String(), organisation: Type.String(), permissions: Strings, sessionId: Type.String() },
  { title: 'Client' },
);

export const SessionView = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    createdAt: DateTimeString(),
    clock: Clock,
    faults: Type.Array(FaultView),
    clients: Type.Array(ClientView),
  },
  { title: 'Session', description: 'A session as the control API shows it: never a token.' },
);

export const SessionList = Type.Object({ sessions: Type.Array(SessionView) }, { title: 'SessionList' });

export const Credential = Type.Object(
  { clientId: Type.String(), name: Type.String(), organisation: Type.String(), permissions: Strings, token: Type.String() },
  { title: 'Credential', description: 'A client and its bearer token: the only answer that carries the token.' },
);

export const SeedSummary = Type.Object(
  { dataset: Type.String({ enum: ['empty', 'hannah', 'population'] }), messages: Count, children: Count, reviews: Count, episodes: Count },
  { title: 'SeedSummary' },
);

export const CreatedSession = Type.Object(
  {
    session: SessionView,
    credentials: Type.Array(Credential),
    controlToken: Type.String({ description: "The session's own control token: it acts on this session alone." }),
    seeded: Type.Optional(SeedSummary),
  },
  { title: 'CreatedSession' },
);

const ProblemItemView = Type.Object({ path: Type.String(), rule: Type.String(), requirement: Type.String(), message: Type.String() });

const JournalEntryView = Type.Object(
  {
    seq: Count,
    sessionId: Type.String(),
    at: DateTimeString(),
    durationMs: Type.Number({ minimum: 0 }),
    service: Type.String(),
    operationId: Type.String(),
    method: Type.String(),
    path: Type.String(),
    query: Type.Record(Type.String(), Type.String()),
    clientId: Type.Optional(Type.String()),
    practitionerId: Type.Optional(Type.String()),
    requestHeaders: Type.Record(Type.String(), Type.String(), { description: 'Credentials masked.' }),
    requestBody: Type.Optional(Type.Unknown()),
    status: Type.Integer(),
    responseBody: Type.Optional(Type.Unknown()),
    verdict: Type.String({ enum: ['accepted', 'rejected', 'fault', 'error'] }),
    problems: Type.Optional(Type.Array(ProblemItemView)),
    fault: Type.Optional(Type.String()),
    masked: Type.Optional(Strings),
    bodyOmitted: Type.Optional(Type.Object({ bytes: Count, reason: Type.String({ enum: ['entry-limit', 'session-budget'] }) })),
  },
  { title: 'JournalEntry' },
);

export const JournalPage = Type.Object(
  {
    entries: Type.Array(JournalEntryView),
    dropped: Type.Integer({ minimum: 0, description: 'Entries removed by the retention limit since the session began.' }),
    retentionLimit: Type.Integer({ minimum: 1 }),
  },
  { title: 'JournalPage', description: 'A page of the journal; with format=ndjson, one JournalEntry per line instead.' },
);

export const FaultList = Type.Object({ faults: Type.Array(FaultView) }, { title: 'FaultList' });

export const LookupAudit = Type.Object(
  {
    entries: Type.Array(
      Type.Object({
        at: DateTimeString(),
        clientId: Type.String(),
        practitionerId: Type.String(),
        operation: Type.String({ enum: ['search', 'read'] }),
        query: Type.Optional(Type.Record(Type.String(), Type.String())),
        contactPointIds: Type.Array(ContactPointId),
      }),
    ),
  },
  { title: 'LookupAudit' },
);

export const DirectoryChildren = Type.Object(
  { children: Type.Array(Type.Object({ contactPointId: ContactPointId, identity: ChildIdentity, shielded: Type.Boolean() })) },
  { title: 'DirectoryChildren' },
);

export const ReviewItem = Type.Object(
  {
    reviewId: Type.String(),
    clientId: Type.String(),
    kind: Type.String({ description: 'The message the item holds: involvement or caf.' }),
    reason: Type.String(),
    candidates: Type.Array(ContactPointId),
    status: Type.String({ enum: ['open', 'resolved'] }),
    createdAt: DateTimeString(),
    message: Type.Unknown({ description: 'The message held for review, as sent.' }),
    resolution: Type.Optional(Type.Object({ contactPointId: ContactPointId, resolvedAt: DateTimeString() })),
  },
  { title: 'ReviewItem' },
);

export const ReviewList = Type.Object({ reviews: Type.Array(ReviewItem) }, { title: 'ReviewList' });
