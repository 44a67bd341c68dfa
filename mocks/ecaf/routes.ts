/** National eCAF's HTTP surface, described once. Adapters (express, msw) serve it unchanged. */
import { Type, type TSchema } from '../../src/platform/schema.js';
import { route, json, type BodyOf, type RouteContext, type RouteDef, type ResponseDoc } from '../../src/platform/http.js';
import type { Client } from '../../src/platform/sessions.js';
import { ProblemSchema } from '../../src/platform/problem-schema.js';
import { ChildIdentity } from '../../src/platform/schemas/common.js';
import type { NationalEcaf, Actor } from './domain/ecaf.js';
import { TRANSFER_FIELDS } from './rules.js';
import {
  EpisodeId,
  PractitionerId,
  OpenEpisodeRequest,
  EpisodeView,
  EpisodeSummary,
  AssessmentInput,
  ConsentInput,
  ConsentWithdrawalInput,
  TacMemberInput,
  LeadProfessionalRequest,
  ActionInput,
  ProgressInput,
  ReviewInput,
  SendMessageRequest,
  TacMessage,
  ReferralRequest,
  ResponsibilityRequest,
  StepDownRequest,
  CloseRequest,
  ReopenRequest,
  LongOpenReport,
  TransferRequest,
  TransferReceipt,
  ExportRequest,
  ExportResult,
  MigrationBatch,
  MigrationReport,
  HeldEpisode,
  AuditEntry,
} from './schemas.js';

export const BASE = '/ecaf/v1';
/** A migration batch's body limit: room for 500 episodes of up to 32 KiB each. */
export const MIGRATION_MAX_BODY_BYTES = 16 * 1024 * 1024;
const EP = `${BASE}/episodes/{episodeId}`;

const problem = (description: string): ResponseDoc => ({ description, schema: ProblemSchema, contentType: 'application/problem+json' });
const problems = {
  400: problem('Malformed request (bad JSON, too deep, reserved keys, no Practitioner-Id).'),
  401: problem('No or unknown credentials.'),
  403: problem(
    'Not permitted: the client lacks the permission, the practitioner is not on the TAC, consent does not cover the access, or the step belongs to another role. The rule says which.',
  ),
  404: problem('No such episode (or sub-resource).'),
  415: problem('Not application/json.'),
  422: problem('Breaks the schema or a rule; each error names the JSON path, rule and requirement.'),
} as const;
const conflict = { 409: problem("Not allowed in the episode's current state (the rule says why).") };

const practitioner = { kind: 'client', permission: 'ecaf:practitioner', practitioner: true } as const;
const exchange = { kind: 'client', permission: 'ecaf:exchange' } as const;
const episodeParams = { episodeId: EpisodeId };
const episodeView = (description: string): Record<number, ResponseDoc> => ({ 200: { description, schema: EpisodeView } });

const actorOf = (ctx: { client: Client; practitionerId?: string | undefined }): Actor => ({
  client: ctx.client,
  ...(ctx.practitionerId ? { practitionerId: ctx.practitionerId } : {}),
});

/** One practitioner operation on an episode: same auth, params and error documentation. */
function episodeRoute<const P extends string, S extends TSchema | undefined = undefined>(def: {
  operationId: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: P;
  summary: string;
  description: string;
  requirement: string;
  body?: S;
  params?: Record<string, TSchema>;
  responses?: Record<number, ResponseDoc>;
  handler: (ctx: RouteContext<typeof practitioner, P, BodyOf<S, never>>, actor: Actor) => ReturnType<RouteDef['handler']>;
}): RouteDef {
  const { handler, params, responses, ...rest } = def;
  return route({
    ...rest,
    service: 'ecaf',
    auth: practitioner,
    params: { ...episodeParams, ...(params ?? {}) },
    mutates: def.method !== 'GET',
    responses: { ...(responses ?? episodeView('The episode as the caller may see it.')), ...problems, ...conflict },
    handler: (ctx) => handler(ctx, actorOf(ctx)),
  });
}

export function ecafRoutes(ecaf: NationalEcaf): RouteDef[] {
  return [
    // -------------------------------------------------------------------------------- episodes
    route({
      operationId: 'openEpisode',
      method: 'POST',
      path: `${BASE}/episodes`,
      service: 'ecaf',
      summary: 'Log a new CAF episode (with the consent given, and optionally the assessment)',
      description:
        'The caller (Practitioner-Id) becomes the episode co-ordinator and first TAC member. The consent must share ' +
        "the CAF with their own agency. ContactPoint is told a CAF exists, with the assessor's contact details, in the " +
        'same transaction.',
      auth: practitioner,
      requirement: 'ECAF-EPISODE-001',
      body: OpenEpisodeRequest,
      mutates: true,
      responses: { 201: { description: 'The episode.', schema: EpisodeView }, ...problems },
      handler: (ctx) => json(201, ecaf.openEpisode(ctx.session, actorOf(ctx), ctx.body)),
    }),
    route({
      operationId: 'listMyEpisodes',
      method: 'GET',
      path: `${BASE}/episodes`,
      service: 'ecaf',
      summary: 'The episodes whose TAC the practitioner is on',
      description: "Only episodes that consent in force shares with the practitioner's agency.",
      auth: practitioner,
      requirement: 'ECAF-ACCESS-001',
      responses: { 200: { description: 'Summaries.', schema: Type.Object({ episodes: Type.Array(EpisodeSummary) }) }, ...problems },
      handler: (ctx) => json(200, ecaf.listEpisodes(ctx.session, actorOf(ctx))),
    }),
    episodeRoute({
      operationId: 'getEpisode',
      method: 'GET',
      path: EP,
      summary: 'Read an episode',
      description:
        'For current TAC members only, while consent in force covers their agency. Parts consent does not share with the agency are listed in `withheld`. Audited.',
      requirement: 'ECAF-ACCESS-001',
      handler: ({ session, params }, actor) => json(200, ecaf.getEpisode(session, actor, params.episodeId)),
    }),
    episodeRoute({
      operationId: 'updateEpisodeChild',
      method: 'PUT',
      path: `${EP}/child`,
      summary: "Update the child's details (superseded data)",
      description: 'The new identity reaches ContactPoint with the CAF indicator.',
      requirement: 'ECAF-EPISODE-003',
      body: ChildIdentity,
      handler: ({ session, params, body }, actor) => json(200, ecaf.updateChild(session, actor, params.episodeId, body)),
    }),
    episodeRoute({
      operationId: 'putAssessment',
      method: 'PUT',
      path: `${EP}/assessment`,
      summary: 'Record or replace the common assessment',
      description:
        "Strengths and needs per element of the three CAF domains. The caller becomes the practitioner ContactPoint lists for the CAF. Needs consent sharing the assessment with the caller's agency.",
      requirement: 'ECAF-ASSESS-001',
      body: AssessmentInput,
      handler: ({ session, params, body }, actor) => json(200, ecaf.putAssessment(session, actor, params.episodeId, body)),
    }),
    // -------------------------------------------------------------------------------- consent
    episodeRoute({
      operationId: 'recordConsent',
      method: 'POST',
      path: `${EP}/consents`,
      summary: 'Record consent given by the child, a parent or a carer',
      description: 'Any current TAC member may record consent, even while none is in force: that is how access comes back after a withdrawal.',
      requirement: 'ECAF-CONSENT-004',
      body: ConsentInput,
      handler: ({ session, params, body }, actor) => json(200, ecaf.recordConsent(session, actor, params.episodeId, body)),
    }),
    episodeRoute({
      operationId: 'withdrawConsent',
      method: 'POST',
      path: `${EP}/consents/{consentId}/withdrawal`,
      summary: 'Record that consent was withdrawn',
      description: 'Takes effect at once: practitioners whose agency no other consent in force covers lose access (403).',
      requirement: 'ECAF-CONSENT-003',
      params: { consentId: Type.String({ pattern: '^C[0-9]{1,4}$' }) },
      body: ConsentWithdrawalInput,
      handler: ({ session, params, body }, actor) => json(200, ecaf.withdrawConsent(session, actor, params.episodeId, params.consentId, body)),
    }),
    // -------------------------------------------------------------------------------- TAC
    episodeRoute({
      operationId: 'addTacMember',
      method: 'POST',
      path: `${EP}/tac`,
      summary: 'Add a practitioner to the Team Around the Child',
      description: "Refused (403) unless consent in force shares the episode with the new member's agency.",
      requirement: 'ECAF-CONSENT-002',
      body: TacMemberInput,
      handler: ({ session, params, body }, actor) => json(200, ecaf.addTacMember(session, actor, params.episodeId, body)),
    }),
    episodeRoute({
      operationId: 'removeTacMember',
      method: 'DELETE',
      path: `${EP}/tac/{practitionerId}`,
      summary: 'A member leaves the TAC (or is removed by the lead professional)',
      description: 'The lead professional and the last member cannot leave. Former members keep their entry with `leftAt` and lose access.',
      requirement: 'ECAF-TAC-005',
      params: { practitionerId: PractitionerId },
      handler: ({ session, params }, actor) => json(200, ecaf.removeTacMember(session, actor, params.episodeId, params.practitionerId)),
    }),
    episodeRoute({
      operationId: 'setLeadProfessional',
      method: 'PUT',
      path: `${EP}/lead-professional`,
      summary: 'Record the lead professional',
      description: "A current TAC member. (ContactPoint learns of a lead professional from the practitioner's own service, as an involvement.)",
      requirement: 'ECAF-TAC-003',
      body: LeadProfessionalRequest,
      handler: ({ session, params, body }, actor) => json(200, ecaf.setLeadProfessional(session, actor, params.episodeId, body.practitionerId)),
    }),
    // -------------------------------------------------------------------------------- delivery plan, reviews
    episodeRoute({
      operationId: 'addAction',
      method: 'POST',
      path: `${EP}/actions`,
      summary: 'Add a delivery plan action',
      description: 'Action, who (a TAC member or someone in the family), by when, desired outcome.',
      requirement: 'ECAF-PLAN-001',
      body: ActionInput,
      handler: ({ session, params, body }, actor) => json(200, ecaf.addAction(session, actor, params.episodeId, body)),
    }),
    episodeRoute({
      operationId: 'recordActionProgress',
      method: 'POST',
      path: `${EP}/actions/{actionId}/progress`,
      summary: 'Record progress on an action',
      description: 'By the TAC member responsible for the action, or the lead professional.',
      requirement: 'ECAF-PLAN-002',
      params: { actionId: Type.String({ pattern: '^A[0-9]{1,4}$' }) },
      body: ProgressInput,
      handler: ({ session, params, body }, actor) => json(200, ecaf.recordProgress(session, actor, params.episodeId, params.actionId, body)),
    }),
    episodeRoute({
      operationId: 'recordReview',
      method: 'POST',
      path: `${EP}/reviews`,
      summary: 'Record a TAC review',
      description:
        "Date, people present, next steps, the next review date or a reason for closure, the child's and parent's comments. Recommending closure does not close the episode.",
      requirement: 'ECAF-REVIEW-001',
      body: ReviewInput,
      handler: ({ session, params, body }, actor) => json(200, ecaf.recordReview(session, actor, params.episodeId, body)),
    }),
    // -------------------------------------------------------------------------------- messages
    episodeRoute({
      operationId: 'sendTacMessage',
      method: 'POST',
      path: `${EP}/messages`,
      summary: 'Send a message about the episode to other TAC members',
      description: 'Recipients must be current TAC members whose agency consent covers.',
      requirement: 'ECAF-MSG-001',
      body: SendMessageRequest,
      responses: { 201: { description: 'The message as sent.', schema: TacMessage } },
      handler: ({ session, params, body }, actor) => json(201, ecaf.sendMessage(session, actor, params.episodeId, body)),
    }),
    episodeRoute({
      operationId: 'listTacMessages',
      method: 'GET',
      path: `${EP}/messages`,
      summary: 'Messages sent to or by the caller about the episode',
      description: 'Each member reads only the messages sent to or by them.',
      requirement: 'ECAF-MSG-001',
      responses: { 200: { description: 'Messages, oldest first.', schema: Type.Object({ messages: Type.Array(TacMessage) }) } },
      handler: ({ session, params }, actor) => json(200, ecaf.listMessages(session, actor, params.episodeId)),
    }),
    // -------------------------------------------------------------------------------- stepping up and down
    episodeRoute({
      operationId: 'referToSocialCare',
      method: 'POST',
      path: `${EP}/social-care-referral`,
      summary: 'Refer to social care ("stepping up")',
      description:
        'The episode remains open; a social worker, or a social-care representative until one is allocated, joins the TAC (consent must cover childrens-social-care).',
      requirement: 'ECAF-STEP-001',
      body: ReferralRequest,
      handler: ({ session, params, body }, actor) => json(200, ecaf.referToSocialCare(session, actor, params.episodeId, body)),
    }),
    episodeRoute({
      operationId: 'markSocialCareResponsibility',
      method: 'POST',
      path: `${EP}/social-care-responsibility`,
      summary: 'Mark the open episode as the responsibility of social care',
      description:
        'After a referral, by a social-care member of the TAC. The marker is free text. (The alternative is to close with `transfer-to-alternative-holistic-assessment`.)',
      requirement: 'ECAF-STEP-002',
      body: ResponsibilityRequest,
      handler: ({ session, params, body }, actor) => json(200, ecaf.markSocialCareResponsibility(session, actor, params.episodeId, body)),
    }),
    episodeRoute({
      operationId: 'stepDown',
      method: 'POST',
      path: `${EP}/step-down`,
      summary: 'Hand the episode back from social care ("stepping down")',
      description:
        'By a social-care member of the TAC: names the lead professional who takes the episode back; the social-care members may leave the TAC.',
      requirement: 'ECAF-STEP-003',
      body: StepDownRequest,
      handler: ({ session, params, body }, actor) => json(200, ecaf.stepDown(session, actor, params.episodeId, body)),
    }),
    // -------------------------------------------------------------------------------- closing
    episodeRoute({
      operationId: 'closeEpisode',
      method: 'POST',
      path: `${EP}/closure`,
      summary: 'Close the episode with a reason',
      description:
        'National eCAF never closes an episode by itself. Closing a closed episode is refused (409). `transfer-to-alternative-holistic-assessment` follows a referral to social care.',
      requirement: 'ECAF-LIFE-002',
      body: CloseRequest,
      handler: ({ session, params, body }, actor) => json(200, ecaf.closeEpisode(session, actor, params.episodeId, body)),
    }),
    episodeRoute({
      operationId: 'reopenEpisode',
      method: 'POST',
      path: `${EP}/reopening`,
      summary: 'Reopen a closed episode',
      description: 'For example when social care steps down and additional needs remain. Needs consent in force.',
      requirement: 'ECAF-LIFE-004',
      body: ReopenRequest,
      handler: ({ session, params, body }, actor) => json(200, ecaf.reopenEpisode(session, actor, params.episodeId, body)),
    }),
    // -------------------------------------------------------------------------------- management report
    route({
      operationId: 'reportLongOpenEpisodes',
      method: 'GET',
      path: `${BASE}/reports/long-open-episodes`,
      service: 'ecaf',
      summary: 'Management report: episodes open longer than a number of days',
      description:
        'So that a closure decision can be prompted: nothing closes by itself. Counts from the start of the current open period, by the session clock. No child details, no CAF content.',
      auth: { kind: 'client', permission: 'ecaf:reports' },
      requirement: 'ECAF-REPORT-001',
      query: Type.Object({ olderThanDays: Type.String({ pattern: '^[0-9]{1,5}$', description: 'Whole days.' }) }, { additionalProperties: false }),
      responses: { 200: { description: 'The report.', schema: LongOpenReport }, ...problems },
      handler: ({ session, client, query }) => json(200, ecaf.longOpenReport(session, { client }, Number(query.olderThanDays))),
    }),
    // -------------------------------------------------------------------------------- exchange
    route({
      operationId: 'transferEpisodeIn',
      method: 'POST',
      path: `${BASE}/exchange/transfers`,
      service: 'ecaf',
      summary: 'Transfer one episode in from a local eCAF module',
      description:
        'A child moves to an authority that uses National eCAF. Refused (403) without consent in force covering every ' +
        "current TAC member's agency. A retry must reuse the message ID: the original receipt comes back with `repeat: true`.",
      auth: exchange,
      requirement: 'ECAF-EXCH-001',
      body: TransferRequest,
      fields: TRANSFER_FIELDS,
      mutates: true,
      responses: {
        201: { description: 'Stored as a National eCAF episode.', schema: TransferReceipt },
        200: { description: 'A repeat: the original receipt.', schema: TransferReceipt },
        ...problems,
        ...conflict,
      },
      handler: ({ session, client, body }) => {
        const { receipt, repeat } = ecaf.transferIn(session, { client }, body);
        return json(repeat ? 200 : 201, receipt);
      },
    }),
    route({
      operationId: 'exportEpisode',
      method: 'POST',
      path: `${BASE}/exchange/exports`,
      service: 'ecaf',
      summary: 'Export one episode to a local CAF system',
      description:
        'A child moves to an authority with a local CAF system. Only while consent is in force. The episode stays in National eCAF; close it (moved-to-another-authority) when the move is done.',
      auth: exchange,
      requirement: 'ECAF-EXCH-002',
      body: ExportRequest,
      mutates: true,
      responses: { 200: { description: 'The episode in the exchange format.', schema: ExportResult }, ...problems },
      handler: ({ session, client, body }) => json(200, ecaf.exportEpisode(session, { client }, body)),
    }),
    route({
      operationId: 'importMigrationBatch',
      method: 'POST',
      path: `${BASE}/exchange/migrations`,
      service: 'ecaf',
      summary: 'Batch migration from a local eCAF system',
      description:
        'Each episode is judged on its own and gets its own result: imported; held for consent (no consent in force ' +
        'covering its TAC: not imported until consent is captured and the hold released); already received; or ' +
        'rejected with a problem naming the path (under /episodes/<index>), rule and requirement.',
      auth: exchange,
      requirement: 'ECAF-EXCH-003',
      body: MigrationBatch,
      // 500 full episodes do not fit in the default 1 MiB.
      maxBodyBytes: MIGRATION_MAX_BODY_BYTES,
      mutates: true,
      responses: { 200: { description: 'Per-episode results.', schema: MigrationReport }, ...problems },
      handler: ({ session, client, body }) => json(200, ecaf.importBatch(session, { client }, body)),
    }),
    route({
      operationId: 'listHeldEpisodes',
      method: 'GET',
      path: `${BASE}/exchange/held`,
      service: 'ecaf',
      summary: 'Your migrated episodes held for manual consent capture',
      auth: exchange,
      requirement: 'ECAF-EXCH-004',
      responses: { 200: { description: 'Held (and released) episodes.', schema: Type.Object({ held: Type.Array(HeldEpisode) }) }, ...problems },
      handler: ({ session, client }) => json(200, ecaf.listHolds(session, { client })),
    }),
    route({
      operationId: 'recordHeldConsent',
      method: 'POST',
      path: `${BASE}/exchange/held/{holdId}/consents`,
      service: 'ecaf',
      summary: 'Record consent captured for a held episode',
      auth: exchange,
      requirement: 'ECAF-EXCH-004',
      params: { holdId: Type.String({ pattern: '^HOLD-[0-9A-F]{8}$' }) },
      body: ConsentInput,
      mutates: true,
      responses: { 200: { description: 'The held episode, with what is still missing.', schema: HeldEpisode }, ...problems, ...conflict },
      handler: ({ session, client, params, body }) => json(200, ecaf.recordHeldConsent(session, { client }, params.holdId, body)),
    }),
    route({
      operationId: 'releaseHeldEpisode',
      method: 'POST',
      path: `${BASE}/exchange/held/{holdId}/release`,
      service: 'ecaf',
      summary: 'Import a held episode once its consent is recorded',
      description: "Refused (409 ICS_ERR_HELD_FOR_CONSENT) while consent in force does not cover every current TAC member's agency.",
      auth: exchange,
      requirement: 'ECAF-EXCH-004',
      params: { holdId: Type.String({ pattern: '^HOLD-[0-9A-F]{8}$' }) },
      mutates: true,
      responses: { 201: { description: 'Released: imported as a National eCAF episode.', schema: HeldEpisode }, ...problems, ...conflict },
      handler: ({ session, client, params }) => json(201, ecaf.releaseHold(session, { client }, params.holdId)),
    }),
    // -------------------------------------------------------------------------------- control (harness only)
    route({
      operationId: 'getEcafAudit',
      method: 'GET',
      path: '/control/v1/sessions/{sessionId}/ecaf/audit',
      service: 'control',
      summary: "National eCAF's audit of every access to an episode, granted or refused",
      auth: { kind: 'control' },
      requirement: 'ECAF-AUDIT-001',
      query: Type.Object({ episodeId: Type.Optional(EpisodeId) }, { additionalProperties: false }),
      responses: {
        200: { description: 'Audit entries, oldest first.', schema: Type.Object({ entries: Type.Array(AuditEntry) }) },
        401: problem('Missing or wrong control token.'),
        404: problem('No such session.'),
      },
      handler: ({ session, query }) => json(200, { entries: ecaf.auditLog(session.id, query.episodeId ? { episodeId: query.episodeId } : {}) }),
    }),
    route({
      operationId: 'listEcafEpisodes',
      method: 'GET',
      path: '/control/v1/sessions/{sessionId}/ecaf/episodes',
      service: 'control',
      summary: 'Every episode and held episode National eCAF holds (harness view, not an access)',
      auth: { kind: 'control' },
      requirement: 'CTL-003',
      responses: {
        200: {
          description: 'Episodes in full, and held episodes.',
          schema: Type.Object({ episodes: Type.Array(EpisodeView), held: Type.Array(HeldEpisode) }, { title: 'EcafHarnessView' }),
        },
        401: problem('Missing or wrong control token.'),
        404: problem('No such session.'),
      },
      handler: ({ session }) => json(200, ecaf.harnessView(session.id)),
    }),
  ];
}
