/** The driver API's OpenAPI 3.1 document, built from the same schemas the reference ICS validates with. */
import type { TSchema } from '@sinclair/typebox';
import {
  Configuration,
  RegisterChild,
  ChildRef,
  RecordInvolvement,
  InvolvementRef,
  EndInvolvement,
  LeadProfessional,
  Deliveries,
  SystemInfo,
  DRIVER_BASE,
  LogCafEpisode,
  UpdateCafEpisode,
  EpisodeRef,
  LocalEpisode,
  ReceiveTransfer,
  CaptureConsent,
  MigrationRequest,
} from './schemas.js';
import { VERSION } from '../../platform/version.js';

interface Op {
  method: string;
  path: string;
  operationId: string;
  summary: string;
  description: string;
  body?: TSchema;
  response?: { status: number; schema?: TSchema };
  capability: string;
}

export const DRIVER_OPERATIONS: Op[] = [
  {
    method: 'get',
    path: '/system',
    operationId: 'getSystem',
    summary: 'Identify the system under test',
    description: 'Vendor, product and version, shown in the reports.',
    response: { status: 200, schema: SystemInfo },
    capability: 'core',
  },
  {
    method: 'put',
    path: '/configuration',
    operationId: 'configure',
    summary: "Point the system at this run's mock services",
    description:
      'Called at the start of a run (and again when credentials are rotated). From now on the system must send to these base URLs with these tokens, in the Authorization header only.',
    body: Configuration,
    response: { status: 204 },
    capability: 'core',
  },
  {
    method: 'post',
    path: '/children',
    operationId: 'registerChild',
    summary: 'Register a child',
    description: "Create the child's record as a referral intake would. Nothing need be sent yet.",
    body: RegisterChild,
    response: { status: 201, schema: ChildRef },
    capability: 'contactpoint-feed',
  },
  {
    method: 'put',
    path: '/children/{childRef}',
    operationId: 'updateChild',
    summary: "Change the child's details",
    description:
      'e.g. a new address or a former name. The system must send the new values to ContactPoint for every involvement it has recorded (superseded data).',
    body: RegisterChild,
    response: { status: 204 },
    capability: 'contactpoint-feed',
  },
  {
    method: 'post',
    path: '/children/{childRef}/involvements',
    operationId: 'recordInvolvement',
    summary: 'Record a referral / involvement',
    description:
      "e.g. a referral to children's social care. The system must upload the involvement to ContactPoint: that the service is involved and whom to contact, never the case note.",
    body: RecordInvolvement,
    response: { status: 201, schema: InvolvementRef },
    capability: 'contactpoint-feed',
  },
  {
    method: 'post',
    path: '/involvements/{involvementRef}/end',
    operationId: 'endInvolvement',
    summary: 'End an involvement',
    description: 'The system must send the end date (never a deletion).',
    body: EndInvolvement,
    response: { status: 204 },
    capability: 'contactpoint-feed',
  },
  {
    method: 'put',
    path: '/involvements/{involvementRef}/lead-professional',
    operationId: 'setLeadProfessional',
    summary: 'Set or clear the lead professional',
    description: 'The system must send the flag on that involvement.',
    body: LeadProfessional,
    response: { status: 204 },
    capability: 'contactpoint-feed',
  },
  {
    method: 'post',
    path: '/caf-episodes',
    operationId: 'logCafEpisode',
    summary: 'Log a CAF episode in the local eCAF module',
    description:
      'The system must tell ContactPoint that a CAF exists, with the contact of the practitioner who completed it (assessment.assessedBy), and nothing of its content.',
    body: LogCafEpisode,
    response: { status: 201, schema: EpisodeRef },
    capability: 'local-ecaf',
  },
  {
    method: 'put',
    path: '/caf-episodes/{episodeRef}',
    operationId: 'updateCafEpisode',
    summary: 'Update a CAF episode',
    description: 'The system must send a new CAF indicator naming the practitioner who updated it.',
    body: UpdateCafEpisode,
    response: { status: 204 },
    capability: 'local-ecaf',
  },
  {
    method: 'get',
    path: '/caf-episodes/{episodeRef}',
    operationId: 'getCafEpisode',
    summary: 'Read an episode as the local module holds it',
    description: 'Used to check a received transfer was stored faithfully.',
    response: { status: 200, schema: LocalEpisode },
    capability: 'ecaf-transfer-in',
  },
  {
    method: 'post',
    path: '/caf-episodes/{episodeRef}/transfer',
    operationId: 'transferCafEpisode',
    summary: 'Transfer the episode into National eCAF',
    description:
      'The child moves to an authority using National eCAF. With consent in force: send the whole episode (POST /ecaf/v1/exchange/transfers). Without: refuse (4xx) and send nothing.',
    response: { status: 202 },
    capability: 'ecaf-transfer-out',
  },
  {
    method: 'post',
    path: '/local-ecaf/transfers',
    operationId: 'receiveCafTransfer',
    summary: 'Receive an episode exported by National eCAF',
    description:
      "The body is National eCAF's ExportResult. Store the episode (201 { episodeRef }); the same exportId again must not make a second episode (200, same episodeRef); a malformed episode or one without consent in force is refused (4xx) and not stored.",
    body: ReceiveTransfer,
    response: { status: 201, schema: EpisodeRef },
    capability: 'ecaf-transfer-in',
  },
  {
    method: 'post',
    path: '/migrations',
    operationId: 'exportMigration',
    summary: 'Export every local episode for migration into National eCAF',
    description:
      'Send one MigrationBatch (POST /ecaf/v1/exchange/migrations) with every episode, open and closed, consent exactly as captured. Keep the hold IDs of episodes held for consent.',
    body: MigrationRequest,
    response: { status: 202 },
    capability: 'migration-export',
  },
  {
    method: 'post',
    path: '/caf-episodes/{episodeRef}/consents',
    operationId: 'captureConsent',
    summary: 'Record consent captured by hand',
    description:
      'If the episode is held at National eCAF for consent, record the consent there (POST /ecaf/v1/exchange/held/{holdId}/consents) and release it (POST .../release).',
    body: CaptureConsent,
    response: { status: 204 },
    capability: 'migration-export',
  },
  {
    method: 'get',
    path: '/deliveries',
    operationId: 'listDeliveries',
    summary: 'Outbound messages and what became of them',
    description: 'Lets the harness check that a message the national service never accepted is reported (pending or failed), not lost.',
    response: { status: 200, schema: Deliveries },
    capability: 'core',
  },
];

export function buildDriverOpenApi(extra: Op[] = []): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of [...DRIVER_OPERATIONS, ...extra]) {
    const params = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    (paths[DRIVER_BASE + op.path] ??= {})[op.method] = {
      operationId: op.operationId,
      summary: op.summary,
      description: op.description,
      'x-capability': op.capability,
      ...(params.length ? { parameters: params } : {}),
      ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: JSON.parse(JSON.stringify(op.body)) } } } } : {}),
      responses: {
        [String(op.response?.status ?? 200)]: {
          description: 'Done.',
          ...(op.response?.schema ? { content: { 'application/json': { schema: JSON.parse(JSON.stringify(op.response.schema)) } } } : {}),
        },
        '4XX': { description: 'The system could not perform the step (problem+json).' },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'ics-conformance driver API',
      version: VERSION,
      description:
        'Implemented by a vendor in a test build of its ICS, so the harness can make it act. Not part of the national services. See docs/driver-api.md.',
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    paths,
  };
}
