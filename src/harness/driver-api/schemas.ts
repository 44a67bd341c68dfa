/**
 * The driver API: a small HTTP API a vendor adds to a test build of its ICS so the harness can make it
 * act (register a child, record a referral, end an involvement...). Specified here once; the OpenAPI
 * document (docs/driver-api.openapi.json) and the reference ICS's validation come from these schemas.
 */
import { Type, Closed, DateString, type Static } from '../../platform/schema.js';
import { ChildIdentity, PractitionerContact } from '../../platform/schemas/common.js';
import { ServiceTypeSchema } from '../../../mocks/contactpoint/schemas.js';
import { ExchangeEpisode, ExportResult, ConsentInput } from '../../../mocks/ecaf/schemas.js';

export const DRIVER_BASE = '/driver/v1';

export const SystemInfo = Closed(
  {
    vendor: Type.String({ minLength: 1, maxLength: 100 }),
    product: Type.String({ minLength: 1, maxLength: 100 }),
    version: Type.String({ minLength: 1, maxLength: 40 }),
  },
  { title: 'SystemInfo', description: 'Who the system under test is (shown in reports).' },
);
export type SystemInfo = Static<typeof SystemInfo>;

const Endpoint = Closed({ baseUrl: Type.String({ format: 'uri' }), token: Type.String({ minLength: 1, maxLength: 200 }) });

export const Configuration = Closed(
  {
    contactPoint: Endpoint,
    ecaf: Endpoint,
  },
  {
    title: 'Configuration',
    description: 'Where the national services are for this run, and the credentials to use. The system must use these from now on.',
  },
);
export type Configuration = Static<typeof Configuration>;

export const RegisterChild = Closed(
  { child: ChildIdentity },
  { title: 'RegisterChild', description: "Create a child's record in the ICS (as a referral intake would)." },
);
export type RegisterChild = Static<typeof RegisterChild>;

export const ChildRef = Closed({ childRef: Type.String({ minLength: 1, maxLength: 100 }) }, { title: 'ChildRef' });

export const RecordInvolvement = Closed(
  {
    service: ServiceTypeSchema,
    worker: PractitionerContact,
    startDate: DateString(),
    leadProfessional: Type.Boolean(),
    sensitiveBasis: Type.Optional(
      Type.Unsafe<'consent' | 'significant-harm-suspected'>({ type: 'string', enum: ['consent', 'significant-harm-suspected'] }),
    ),
    caseNote: Type.Optional(
      Type.String({
        maxLength: 2000,
        description: 'Case information recorded in the ICS with the referral. It must never leave the ICS (the harness checks).',
      }),
    ),
  },
  {
    title: 'RecordInvolvement',
    description:
      "Record the start of a service's work with the child, as your kind of system starts it " +
      "(docs/source-systems.md): a referral to children's social care (ICS), an enrolment (school: startDate is the " +
      'enrolment date), a referral accepted by a clinic (health: sensitiveBasis for a sensitive service), an order ' +
      "(YOT: the order's start), a personal adviser taking a young person on (Connexions). A system may refuse (4xx) " +
      'a service its kind does not record.',
  },
);
export type RecordInvolvement = Static<typeof RecordInvolvement>;

export const InvolvementRef = Closed({ involvementRef: Type.String({ minLength: 1, maxLength: 100 }) }, { title: 'InvolvementRef' });

export const EndInvolvement = Closed(
  { endDate: DateString() },
  {
    title: 'EndInvolvement',
    description: 'The end of that work: case closed, the pupil leaves, discharge, the order ends. Send the end date; never delete.',
  },
);
export const LeadProfessional = Closed({ leadProfessional: Type.Boolean() }, { title: 'LeadProfessional' });

export const Delivery = Closed(
  {
    messageId: Type.String(),
    operation: Type.String({ description: 'e.g. submitInvolvement, submitCafIndicator' }),
    state: Type.Unsafe<'pending' | 'delivered' | 'failed'>({ type: 'string', enum: ['pending', 'delivered', 'failed'] }),
    attempts: Type.Integer({ minimum: 0 }),
    lastStatus: Type.Optional(Type.Integer()),
  },
  { title: 'Delivery', description: 'An outbound message and what became of it.' },
);
export const Deliveries = Closed({ deliveries: Type.Array(Delivery) }, { title: 'Deliveries' });
export type Delivery = Static<typeof Delivery>;

// ---- local eCAF module (capabilities local-ecaf, ecaf-transfer-out, ecaf-transfer-in, migration-export)

export const LogCafEpisode = Closed(
  { childRef: Type.String({ minLength: 1, maxLength: 100 }), episode: ExchangeEpisode },
  {
    title: 'LogCafEpisode',
    description:
      'Log a CAF episode in the local eCAF module, as the practitioners recorded it. The assessor is the TAC member named by assessment.assessedBy.',
  },
);
export const UpdateCafEpisode = Closed(
  { episode: ExchangeEpisode },
  { title: 'UpdateCafEpisode', description: 'The episode as it now stands in the local module (e.g. reassessed by another practitioner).' },
);
export const EpisodeRef = Closed({ episodeRef: Type.String({ minLength: 1, maxLength: 100 }) }, { title: 'EpisodeRef' });
export const LocalEpisode = Closed({ episodeRef: Type.String(), episode: ExchangeEpisode }, { title: 'LocalEpisode' });
/** What National eCAF sends a local module when a child moves to an authority with a local CAF system. */
export const ReceiveTransfer = ExportResult;
export const CaptureConsent = ConsentInput;
export const MigrationRequest = Closed(
  {},
  { title: 'MigrationRequest', description: 'Export every episode in the local module as one migration batch.' },
);
