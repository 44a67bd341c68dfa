/**
 * The driver API as one table: every operation's method, path, request and answer schemas. The OpenAPI
 * document (./openapi.ts), the harness's client (src/harness/engine/driver.ts) and the reference ICS's
 * routes (reference-ics/app.ts) are all built from it, so they cannot disagree on a path or a method.
 */
import type { TSchema } from '../../platform/schema.js';
import type { Capability } from '../model/result-types.js';
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

export interface DriverOperation {
  method: 'get' | 'put' | 'post';
  /** Under DRIVER_BASE; `{name}` is a path parameter. */
  path: string;
  summary: string;
  description: string;
  /** The request body's schema; none: the call sends no body. */
  body?: TSchema;
  /** The success answer: its status, and the schema the harness validates its body with. */
  response: { status: number; schema?: TSchema };
  capability: Capability;
}

export const DRIVER_OPERATIONS = {
  getSystem: {
    method: 'get',
    path: '/system',
    summary: 'Identify the system under test',
    description: 'Vendor, product and version, shown in the reports.',
    response: { status: 200, schema: SystemInfo },
    capability: 'core',
  },
  configure: {
    method: 'put',
    path: '/configuration',
    summary: "Point the system at this run's mock services",
    description:
      'Called at the start of a run (and again when credentials are rotated). From now on the system must send to these base URLs with these tokens, in the Authorization header only.',
    body: Configuration,
    response: { status: 204 },
    capability: 'core',
  },
  registerChild: {
    method: 'post',
    path: '/children',
    summary: 'Register a child',
    description: "Create the child's record as a referral intake would. Nothing need be sent yet.",
    body: RegisterChild,
    response: { status: 201, schema: ChildRef },
    capability: 'contactpoint-feed',
  },
  updateChild: {
    method: 'put',
    path: '/children/{childRef}',
    summary: "Change the child's details",
    description:
      'e.g. a new address or a former name. The system must send the new values to ContactPoint for every involvement it has recorded (superseded data).',
    body: RegisterChild,
    response: { status: 204 },
    capability: 'contactpoint-feed',
  },
  recordInvolvement: {
    method: 'post',
    path: '/children/{childRef}/involvements',
    summary: 'Record a referral / involvement',
    description:
      "e.g. a referral to children's social care. The system must upload the involvement to ContactPoint: that the service is involved and whom to contact, never the case note.",
    body: RecordInvolvement,
    response: { status: 201, schema: InvolvementRef },
    capability: 'contactpoint-feed',
  },
  endInvolvement: {
    method: 'post',
    path: '/involvements/{involvementRef}/end',
    summary: 'End an involvement',
    description: 'The system must send the end date (never a deletion).',
    body: EndInvolvement,
    response: { status: 204 },
    capability: 'contactpoint-feed',
  },
  setLeadProfessional: {
    method: 'put',
    path: '/involvements/{involvementRef}/lead-professional',
    summary: 'Set or clear the lead professional',
    description: 'The system must send the flag on that involvement.',
    body: LeadProfessional,
    response: { status: 204 },
    capability: 'contactpoint-feed',
  },
  logCafEpisode: {
    method: 'post',
    path: '/caf-episodes',
    summary: 'Log a CAF episode in the local eCAF module',
    description:
      'The system must tell ContactPoint that a CAF exists, with the contact of the practitioner who completed it (assessment.assessedBy), and nothing of its content.',
    body: LogCafEpisode,
    response: { status: 201, schema: EpisodeRef },
    capability: 'local-ecaf',
  },
  updateCafEpisode: {
    method: 'put',
    path: '/caf-episodes/{episodeRef}',
    summary: 'Update a CAF episode',
    description: 'The system must send a new CAF indicator naming the practitioner who updated it.',
    body: UpdateCafEpisode,
    response: { status: 204 },
    capability: 'local-ecaf',
  },
  getCafEpisode: {
    method: 'get',
    path: '/caf-episodes/{episodeRef}',
    summary: 'Read an episode as the local module holds it',
    description: 'Used to check a received transfer was stored faithfully.',
    response: { status: 200, schema: LocalEpisode },
    capability: 'ecaf-transfer-in',
  },
  transferCafEpisode: {
    method: 'post',
    path: '/caf-episodes/{episodeRef}/transfer',
    summary: 'Transfer the episode into National eCAF',
    description:
      'The child moves to an authority using National eCAF. With consent in force: send the whole episode (POST /ecaf/v1/exchange/transfers). Without: refuse (4xx) and send nothing.',
    response: { status: 202 },
    capability: 'ecaf-transfer-out',
  },
  receiveCafTransfer: {
    method: 'post',
    path: '/local-ecaf/transfers',
    summary: 'Receive an episode exported by National eCAF',
    description:
      "The body is National eCAF's ExportResult. Store the episode (201 { episodeRef }); the same exportId again " +
      'must not make a second episode (200, same episodeRef); a malformed episode or one without consent in force is ' +
      'refused (4xx) and not stored.',
    body: ReceiveTransfer,
    response: { status: 201, schema: EpisodeRef },
    capability: 'ecaf-transfer-in',
  },
  exportMigration: {
    method: 'post',
    path: '/migrations',
    summary: 'Export every local episode for migration into National eCAF',
    description:
      'Send one MigrationBatch (POST /ecaf/v1/exchange/migrations) with every episode, open and closed, consent exactly as captured. Keep the hold IDs of episodes held for consent.',
    body: MigrationRequest,
    response: { status: 202 },
    capability: 'migration-export',
  },
  captureConsent: {
    method: 'post',
    path: '/caf-episodes/{episodeRef}/consents',
    summary: 'Record consent captured by hand',
    description:
      'If the episode is held at National eCAF for consent, record the consent there (POST /ecaf/v1/exchange/held/{holdId}/consents) and release it (POST .../release).',
    body: CaptureConsent,
    response: { status: 204 },
    capability: 'migration-export',
  },
  listDeliveries: {
    method: 'get',
    path: '/deliveries',
    summary: 'Outbound messages and what became of them',
    description: 'Lets the harness check that a message the national service never accepted is reported (pending or failed), not lost.',
    response: { status: 200, schema: Deliveries },
    capability: 'core',
  },
} satisfies Record<string, DriverOperation>;

export type OperationId = keyof typeof DRIVER_OPERATIONS;

/** The table as a list, each operation with its ID, in the table's order (the OpenAPI document's). */
export const DRIVER_OPERATION_LIST: ReadonlyArray<DriverOperation & { operationId: OperationId }> = (
  Object.entries(DRIVER_OPERATIONS) as Array<[OperationId, DriverOperation]>
).map(([operationId, op]) => ({ operationId, ...op }));

/** The path parameters of an operation's path, in order. */
export const pathParams = (path: string): string[] => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);

/** An operation's call as `Driver.call` takes it: the method in capitals and the full path. */
export function driverCall(id: OperationId, params: Record<string, string> = {}): { method: string; path: string } {
  return { method: DRIVER_OPERATIONS[id].method.toUpperCase(), path: driverPath(id, params) };
}

/** The full path of a call: DRIVER_BASE, the operation's path, each parameter URI-encoded. */
export function driverPath(id: OperationId, params: Record<string, string> = {}): string {
  return (
    DRIVER_BASE +
    DRIVER_OPERATIONS[id].path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const v = params[name];
      if (v === undefined) throw new Error(`driver operation ${id} needs the path parameter ${name}`);
      return encodeURIComponent(v);
    })
  );
}
