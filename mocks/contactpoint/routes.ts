/** ContactPoint's HTTP surface, described once. Adapters (express, msw) serve it unchanged. */
import { Type } from '../../src/platform/schema.js';
import { ContactPointId } from './cpid.js';
import { route, json, type HandlerResult, type RouteDef } from '../../src/platform/http.js';
import { ProblemError } from '../../src/platform/problem.js';
import type { PrepareResult } from '../../src/platform/offload.js';
import { badUtf8Problem, ndjsonLines, tooLongProblem } from '../../src/platform/ndjson.js';
import type { Store } from '../../src/platform/store.js';
import { LOG_BODIES, type Directory, type IngestResult } from './domain/directory.js';
import type { PreparedMessage } from './domain/prepare.js';
import { cafIndicatorPreparer, involvementPreparer } from './preparers.js';
import { CP } from './rules.js';
import {
  InvolvementMessage,
  Receipt,
  CafIndicatorMessage,
  SearchQuery,
  ChildSummary,
  ChildRecord,
  RestrictedChildRecord,
  SourceRecordView,
  ShieldingRequest,
  BulkLineResult,
} from './schemas.js';
import { ProblemSchema } from '../../src/platform/problem-schema.js';

export const BASE = '/contactpoint/v1';
export const MAX_BULK_LINE_BYTES = 64 * 1024;
/**
 * Lines per bulk commit. With the lines parsed on the prepare worker, the main thread holds only
 * their texts and prepared keys, and the commit is its largest fixed cost: larger commits are faster,
 * and 250 is the largest measured that keeps the peak memory clear of the 512 MiB target (docs/benchmarks.md).
 */
const BULK_BATCH = 250;
/**
 * Batches in preparation ahead of the one being ingested. One is enough now that a full batch goes
 * to the worker at once (src/platform/offload.ts); more held more memory for no gain (docs/benchmarks.md).
 */
const BULK_AHEAD = 1;

/**
 * A single message's answer: 202 with its receipt, or 200 with the original receipt for a repeat. A
 * new message is stored byte for byte in the log, so its journal entry points there instead of
 * keeping a second copy; a repeat (possibly laid out differently) is journalled as it came.
 */
function receiptAnswer({ receipt, receiptJson, seq }: IngestResult): HandlerResult {
  if (seq === undefined) return json(200, receipt);
  return { status: 202, body: receipt, ...(receiptJson !== undefined ? { json: receiptJson } : {}), journalBody: { source: LOG_BODIES, ref: seq } };
}

const problems = {
  400: { description: 'Malformed request (bad JSON, too deep, reserved keys).', schema: ProblemSchema, contentType: 'application/problem+json' },
  401: { description: 'No or unknown credentials.', schema: ProblemSchema, contentType: 'application/problem+json' },
  403: { description: 'Not permitted.', schema: ProblemSchema, contentType: 'application/problem+json' },
  422: {
    description: 'Breaks the schema or a rule; each error names the JSON path, rule and requirement.',
    schema: ProblemSchema,
    contentType: 'application/problem+json',
  },
} as const;

export function contactPointRoutes(directory: Directory, store: Store): RouteDef[] {
  return [
    route({
      operationId: 'submitInvolvement',
      method: 'POST',
      path: `${BASE}/involvements`,
      service: 'contactpoint',
      summary: 'Send one involvement (new, updated or ended)',
      description:
        'A source system tells ContactPoint that its service is involved with a child and whom to contact. Send the ' +
        'whole current state every time the data changes (superseded data); send an end date when the involvement ends,' +
        ' never a deletion. A retry must reuse the message ID: the original receipt comes back with `repeat: true` and ' +
        'nothing is stored twice.',
      auth: { kind: 'client', permission: 'feed:write' },
      requirement: 'CP-FEED-014',
      body: InvolvementMessage,
      preparer: involvementPreparer,
      mutates: true,
      refusesBeforeWriting: true,
      responses: {
        202: { description: 'Accepted (or held for review, or stale). The receipt says which.', schema: Receipt },
        200: { description: 'A repeat of a message already received: its original receipt.', schema: Receipt },
        409: { description: 'Message ID already used for a different message.', schema: ProblemSchema, contentType: 'application/problem+json' },
        ...problems,
      },
      handler: ({ body, bodyText, client, session }) => receiptAnswer(directory.ingestPrepared(session, client, body, bodyText)),
    }),
    route({
      operationId: 'submitInvolvementBulk',
      method: 'POST',
      path: `${BASE}/involvements/bulk`,
      service: 'contactpoint',
      summary: 'Initial load: a whole caseload as NDJSON',
      description:
        `One InvolvementMessage per line (application/x-ndjson), each line at most ${MAX_BULK_LINE_BYTES} bytes, any ` +
        `number of lines. Processed as it streams in, in batches; the answer streams back one BulkLineResult per ` +
        `non-empty line, in order. Every line is judged on its own: a bad line does not stop the rest.`,
      auth: { kind: 'client', permission: 'feed:write' },
      requirement: 'CP-FEED-011',
      body: InvolvementMessage,
      bodyKind: 'stream',
      bodyContentType: 'application/x-ndjson',
      responses: {
        200: { description: 'One result per line (application/x-ndjson).', schema: BulkLineResult, contentType: 'application/x-ndjson' },
        415: { description: 'Not application/x-ndjson.', schema: ProblemSchema, contentType: 'application/problem+json' },
        ...problems,
      },
      handler: ({ stream, client, session, prepare }) => ({
        status: 200,
        headers: { 'content-type': 'application/x-ndjson' },
        stream: (async function* () {
          // Batches are prepared (parsed, validated, checked) on the prepare worker while earlier ones
          // are ingested here: up to BULK_AHEAD are in preparation, so neither thread waits on the other.
          type Batch = {
            lines: Array<{ line: number; text: string; tooLong?: boolean; badUtf8?: boolean }>;
            prepared: Promise<Array<PrepareResult<PreparedMessage>>>;
          };
          const start = (lines: Batch['lines']): Batch => ({
            lines,
            prepared: prepare(
              involvementPreparer,
              lines.map((l) => (l.tooLong || l.badUtf8 ? '' : l.text)),
            ),
          });
          const ingest = async ({ lines, prepared }: Batch): Promise<string> => {
            const results = await prepared;
            const out: string[] = [];
            store.tx(() => {
              lines.forEach((l, i) => {
                const r = results[i]!;
                if (l.tooLong)
                  return out.push(JSON.stringify({ line: l.line, ok: false, problem: tooLongProblem(MAX_BULK_LINE_BYTES, 'CP-FEED-011').problem }));
                if (l.badUtf8) return out.push(JSON.stringify({ line: l.line, ok: false, problem: badUtf8Problem('CP-FEED-011').problem }));
                if (!r.ok) {
                  if ('internal' in r) throw new Error(r.internal);
                  return out.push(JSON.stringify({ line: l.line, ok: false, problem: r.problem }));
                }
                try {
                  // No savepoint per line: ingest refuses before it writes, and anything else aborts the batch.
                  const { receipt, receiptJson } = directory.ingestPrepared(session, client, r.value, l.text);
                  // The receipt as the log row holds it: serialised once.
                  out.push(
                    receiptJson ? `{"line":${l.line},"ok":true,"receipt":${receiptJson}}` : JSON.stringify({ line: l.line, ok: true, receipt }),
                  );
                } catch (err) {
                  if (!(err instanceof ProblemError)) throw err;
                  out.push(JSON.stringify({ line: l.line, ok: false, problem: err.problem }));
                }
              });
            });
            return out.join('\n') + '\n';
          };
          let lines: Batch['lines'] = [];
          const waiting: Batch[] = [];
          for await (const l of ndjsonLines(stream, MAX_BULK_LINE_BYTES)) {
            lines.push(l);
            if (lines.length < BULK_BATCH) continue;
            waiting.push(start(lines));
            lines = [];
            if (waiting.length > BULK_AHEAD) yield await ingest(waiting.shift()!);
          }
          if (lines.length > 0) waiting.push(start(lines));
          for (const b of waiting) yield await ingest(b);
        })(),
      }),
    }),
    route({
      operationId: 'getSourceRecord',
      method: 'GET',
      path: `${BASE}/source-records/{sourceRecordId}`,
      service: 'contactpoint',
      summary: 'Read back one of your own source records',
      description: "A source system sees only its own records: another system's record ID gives 404.",
      auth: { kind: 'client', permission: 'feed:read' },
      requirement: 'SEC-ISO-001',
      params: { sourceRecordId: Type.String({ pattern: '^[A-Za-z0-9._:-]{1,64}$' }) },
      responses: {
        200: { description: 'The record as held.', schema: SourceRecordView },
        404: { description: 'Not one of yours.', schema: ProblemSchema },
        ...problems,
      },
      handler: ({ params, client, session }) => json(200, directory.sourceRecord(session.id, client.id, params.sourceRecordId)),
    }),
    route({
      operationId: 'deleteSourceRecord',
      method: 'DELETE',
      path: `${BASE}/source-records/{sourceRecordId}`,
      service: 'contactpoint',
      summary: 'Refused: involvements are ended, never deleted',
      description: 'Always refused with 409: an ended involvement must stay visible for a year, so send an end date instead (CP-FEED-008).',
      auth: { kind: 'client', permission: 'feed:write' },
      requirement: 'CP-FEED-008',
      params: { sourceRecordId: Type.String({ pattern: '^[A-Za-z0-9._:-]{1,64}$' }) },
      responses: {
        409: { description: 'Send an end date instead.', schema: ProblemSchema },
        404: { description: 'Not one of yours.', schema: ProblemSchema },
        ...problems,
      },
      handler: ({ params, client, session }) => {
        directory.sourceRecord(session.id, client.id, params.sourceRecordId);
        throw CP.raise('end-not-delete', '', 'send an InvolvementMessage with endDate instead of deleting');
      },
    }),
    route({
      operationId: 'submitCafIndicator',
      method: 'POST',
      path: `${BASE}/caf-indicators`,
      service: 'contactpoint',
      summary: "Set the CAF indicator and the assessor's contact details",
      description:
        'Sent by National eCAF or an accredited local eCAF system whenever a CAF is logged or updated: that a common ' +
        'assessment exists and whom to contact. Nothing of its content. Idempotent on message ID, like the involvement feed.',
      auth: { kind: 'client', permission: 'caf-indicator:write' },
      requirement: 'CP-CAF-001',
      body: CafIndicatorMessage,
      preparer: cafIndicatorPreparer,
      mutates: true,
      refusesBeforeWriting: true,
      responses: {
        202: { description: 'Accepted.', schema: Receipt },
        200: { description: 'Repeat: the original receipt.', schema: Receipt },
        409: { description: 'Message ID reused.', schema: ProblemSchema },
        ...problems,
      },
      handler: ({ body, bodyText, client, session }) => receiptAnswer(directory.ingestPrepared(session, client, body, bodyText)),
    }),
    route({
      operationId: 'searchChildren',
      method: 'GET',
      path: `${BASE}/children`,
      service: 'contactpoint',
      summary: 'Find a child by name, date of birth, postcode',
      description:
        'At least two criteria. Exact match on normalised values. Shielded records are found only on their visible fields (never by postcode). Every search is audited against the Practitioner-Id.',
      auth: { kind: 'client', permission: 'lookup', practitioner: true },
      requirement: 'CP-LOOKUP-001',
      query: SearchQuery,
      responses: {
        200: { description: 'Up to 50 matches.', schema: Type.Object({ results: Type.Array(ChildSummary), truncated: Type.Boolean() }) },
        ...problems,
      },
      handler: ({ query, client, session, practitionerId }) => json(200, directory.search(session, { client, practitionerId }, query)),
    }),
    route({
      operationId: 'getChild',
      method: 'GET',
      path: `${BASE}/children/{contactPointId}`,
      service: 'contactpoint',
      summary: "Read a child's record",
      description:
        'Identity, parents and carers, school, involvements with contact details, the CAF indicator with the ' +
        "assessor's contact, the lead professional. Never case detail. Ended involvements show for a year after their " +
        'end date. Sensitive services are hidden unless the caller is permitted lookup:sensitive. A shielded record ' +
        'shows the restricted view. Audited.',
      auth: { kind: 'client', permission: 'lookup', practitioner: true },
      requirement: 'CP-LOOKUP-002',
      params: { contactPointId: ContactPointId },
      responses: {
        200: { description: 'The record, or its restricted view.', schema: Type.Union([ChildRecord, RestrictedChildRecord]) },
        404: { description: 'No such child.', schema: ProblemSchema },
        ...problems,
      },
      handler: ({ params, client, session, practitionerId }) => json(200, directory.read(session, { client, practitionerId }, params.contactPointId)),
    }),
    route({
      operationId: 'setShielding',
      method: 'PUT',
      path: `${BASE}/children/{contactPointId}/shielding`,
      service: 'contactpoint',
      summary: 'Shield or unshield a record (local authority)',
      auth: { kind: 'client', permission: 'shield' },
      requirement: 'CP-LOOKUP-004',
      params: { contactPointId: ContactPointId },
      body: ShieldingRequest,
      mutates: true,
      responses: {
        200: { description: 'Done.', schema: Type.Object({ contactPointId: ContactPointId, shielded: Type.Boolean() }) },
        404: { description: 'No such child.', schema: ProblemSchema },
        ...problems,
      },
      handler: ({ params, body, session }) => {
        directory.setShielded(session, params.contactPointId, body.shielded);
        return json(200, { contactPointId: params.contactPointId, shielded: body.shielded });
      },
    }),
  ];
}
