/** ContactPoint interface specification: every message shape, as JSON Schema (TypeBox). */
import { Type, Closed, DateString, DateTimeString, Uuid, Postcode, type Static } from '../../src/platform/schema.js';
import { ContactPointId } from './cpid.js';
import {
  ChildIdentity,
  PractitionerContact,
  PersonName,
  Residence,
  ParentCarer,
  School,
  ChildIdentifiers,
} from '../../src/platform/schemas/common.js';

/** Services a source system can record an involvement for. */
export const SERVICE_TYPES = [
  'childrens-social-care',
  'education',
  'learning-mentor',
  'education-welfare',
  'early-years',
  'health-visiting',
  'school-nursing',
  'general-practice',
  'youth-service',
  'youth-offending',
  'connexions',
  'housing',
  'young-carers',
  'sexual-health',
  'mental-health',
  'substance-misuse',
] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

/** Services whose very involvement is sensitive (domain notes: sensitive services). */
export const SENSITIVE_SERVICES: readonly ServiceType[] = ['sexual-health', 'mental-health', 'substance-misuse'];

export const ServiceTypeSchema = Type.Unsafe<ServiceType>({
  type: 'string',
  enum: [...SERVICE_TYPES],
  description: `Service involved. Sensitive: ${SENSITIVE_SERVICES.join(', ')}.`,
});

export const Involvement = Closed(
  {
    service: ServiceTypeSchema,
    contact: PractitionerContact,
    startDate: DateString(),
    endDate: Type.Optional(DateString({ description: 'Set when the involvement ends. Never delete an involvement: send its end date.' })),
    leadProfessional: Type.Boolean({ description: "This practitioner is the child's lead professional." }),
    sensitiveBasis: Type.Optional(
      Type.Unsafe<'consent' | 'significant-harm-suspected'>({
        type: 'string',
        enum: ['consent', 'significant-harm-suspected'],
        description: 'Required for sensitive services: the basis on which the involvement may be recorded.',
      }),
    ),
  },
  { title: 'Involvement', description: 'That a service is involved and whom to contact. No reason, no notes.' },
);
export type Involvement = Static<typeof Involvement>;

export const InvolvementMessage = Closed(
  {
    messageId: Uuid({ description: 'Unique per message. A retry must reuse it: a repeat is acknowledged again and never stored twice.' }),
    sourceRecordId: Type.String({ pattern: '^[A-Za-z0-9._:-]{1,64}$', description: "The source system's own key for this involvement record." }),
    sentAt: DateTimeString({ description: 'When the source system produced this message. Later messages supersede earlier ones.' }),
    child: ChildIdentity,
    involvement: Involvement,
  },
  { title: 'InvolvementMessage', description: "Source system -> ContactPoint: the child's identity and one involvement." },
);
export type InvolvementMessage = Static<typeof InvolvementMessage>;

export const ReceiptStatus = Type.Unsafe<'accepted' | 'queued-for-review' | 'stale'>({
  type: 'string',
  enum: ['accepted', 'queued-for-review', 'stale'],
  description:
    'accepted: applied to the directory. queued-for-review: held for a matching decision (no duplicate child ' +
    'made). stale: an older message than one already applied for this source record; kept but not applied.',
});

export const Receipt = Closed(
  {
    receiptId: Type.String(),
    messageId: Uuid(),
    sourceRecordId: Type.String(),
    status: ReceiptStatus,
    repeat: Type.Boolean({ description: 'true when this message ID had already been received: this is the original receipt.' }),
    contactPointId: Type.Optional(ContactPointId),
    reviewId: Type.Optional(Type.String()),
    matchedBy: Type.Optional(
      Type.Unsafe<string>({ type: 'string', enum: ['source-record', 'nhsNumber', 'upn', 'uln', 'demographics', 'new-child'] }),
    ),
    receivedAt: DateTimeString(),
  },
  { title: 'Receipt' },
);
export type Receipt = Static<typeof Receipt>;

export const CafIndicatorMessage = Closed(
  {
    messageId: Uuid(),
    episodeRef: Type.String({ pattern: '^[A-Za-z0-9._:-]{1,64}$', description: "The eCAF system's own key for the episode." }),
    sentAt: DateTimeString(),
    child: ChildIdentity,
    status: Type.Unsafe<'open' | 'closed'>({ type: 'string', enum: ['open', 'closed'] }),
    assessor: PractitionerContact,
    completedOn: DateString({ description: 'When the common assessment was completed or last updated.' }),
  },
  {
    title: 'CafIndicatorMessage',
    description: 'eCAF system -> ContactPoint: a common assessment exists, and whom to contact. Nothing of its content.',
  },
);
export type CafIndicatorMessage = Static<typeof CafIndicatorMessage>;

export const ShieldingRequest = Closed(
  { messageId: Uuid(), shielded: Type.Boolean() },
  { title: 'ShieldingRequest', description: 'Local authority -> ContactPoint: restrict (or lift the restriction on) a record.' },
);

export const SearchQuery = Closed(
  {
    familyName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    givenName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    dateOfBirth: Type.Optional(DateString()),
    postcode: Type.Optional(Postcode),
  },
  { title: 'SearchQuery', minProperties: 2, description: 'At least two criteria.' },
);
export type SearchQuery = Static<typeof SearchQuery>;

export const ChildSummary = Closed(
  {
    contactPointId: ContactPointId,
    name: PersonName,
    dateOfBirth: DateString(),
    gender: Type.String(),
    postcode: Type.Optional(Postcode),
    shielded: Type.Boolean(),
  },
  { title: 'ChildSummary' },
);

export const InvolvementView = Closed(
  {
    service: ServiceTypeSchema,
    contact: PractitionerContact,
    startDate: DateString(),
    endDate: Type.Optional(DateString()),
    leadProfessional: Type.Boolean(),
    sourceSystem: Type.String({
      description: 'The organisation the sending system is registered to (its credentials), never a field of the message.',
    }),
  },
  { title: 'InvolvementView' },
);

export const CafIndicatorView = Closed(
  { exists: Type.Literal(true), status: Type.String(), assessor: PractitionerContact, completedOn: DateString() },
  { title: 'CafIndicatorView' },
);

export const ChildRecord = Closed(
  {
    contactPointId: ContactPointId,
    shielded: Type.Literal(false),
    name: PersonName,
    formerNames: Type.Array(PersonName),
    dateOfBirth: DateString(),
    gender: Type.String(),
    residence: Residence,
    parentsCarers: Type.Array(ParentCarer),
    school: Type.Optional(School),
    identifiers: Type.Optional(ChildIdentifiers),
    involvements: Type.Array(InvolvementView),
    leadProfessional: Type.Optional(PractitionerContact),
    cafIndicator: Type.Optional(CafIndicatorView),
  },
  { title: 'ChildRecord', description: 'What a practitioner sees. Identifiers appear only to the source system that supplied them.' },
);
export type ChildRecord = Static<typeof ChildRecord>;

export const RestrictedChildRecord = Closed(
  {
    contactPointId: ContactPointId,
    shielded: Type.Literal(true),
    name: PersonName,
    gender: Type.String(),
    dateOfBirth: DateString(),
    parentNames: Type.Array(PersonName),
  },
  { title: 'RestrictedChildRecord', description: 'The restricted view of a shielded record.' },
);

export const SourceRecordView = Closed(
  {
    sourceRecordId: Type.String(),
    contactPointId: Type.Optional(ContactPointId),
    status: Type.String(),
    lastMessageId: Uuid(),
    sentAt: DateTimeString(),
    message: InvolvementMessage,
  },
  { title: 'SourceRecordView', description: "A source system's own record as ContactPoint holds it." },
);

export const BulkLineResult = Closed(
  {
    line: Type.Integer({ minimum: 1 }),
    ok: Type.Boolean(),
    receipt: Type.Optional(Receipt),
    problem: Type.Optional(Type.Any()),
  },
  { title: 'BulkLineResult', description: 'One line of the answer to a bulk upload (application/x-ndjson).' },
);

export { ChildIdentity, PractitionerContact };
