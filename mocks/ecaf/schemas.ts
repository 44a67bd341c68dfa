/**
 * National eCAF interface specification: every message shape, as JSON Schema (TypeBox). The child is
 * the same ChildIdentity ContactPoint uses, so the two services link on the same identifiers.
 * Request bodies are closed: unknown fields are refused.
 */
import { Type, Closed, Tagged, DateString, DateTimeString, Uuid, type Static } from '../../src/platform/schema.js';
import { ChildIdentity, PractitionerContact, PersonName } from '../../src/platform/schemas/common.js';
import { SERVICE_TYPES } from '../contactpoint/schemas.js';

const Text = (max: number, opts: Record<string, unknown> = {}) => Type.String({ minLength: 1, maxLength: max, ...opts });
const Enum = <T extends string>(values: readonly T[], opts: Record<string, unknown> = {}) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...opts });

export const EPISODE_ID_PATTERN = '^ECAF\\.EP\\.[0-9]{4}\\.[0-9]{6}$';
export const EpisodeId = Type.String({
  pattern: EPISODE_ID_PATTERN,
  description: 'National eCAF episode ID: "ECAF.EP.", the year it was logged, 6 digits drawn at random.',
  examples: ['ECAF.EP.2009.000123'],
});

/** The value a practitioner sends in the Practitioner-Id header; it names them on the TAC. */
export const PractitionerId = Type.String({
  pattern: '^[A-Za-z0-9._@:-]{1,64}$',
  description: "The practitioner's ID, as sent in the Practitioner-Id header.",
  examples: ['prac-213-melanie'],
});
export const LocalRef = Type.String({ pattern: '^[A-Za-z0-9._:-]{1,64}$', description: "The sending system's own key." });

/**
 * Agencies consent can name and TAC members come from: ContactPoint's services (so the two services
 * speak one vocabulary), plus adult social care, which works with a child's family but is no
 * children's service ContactPoint records.
 */
export const AGENCIES = [...SERVICE_TYPES, 'adult-social-care'] as const;
export type Agency = (typeof AGENCIES)[number];
export const AgencySchema = Enum(AGENCIES, { description: 'The agency (service) a practitioner works for.' });

/** The parts of a CAF that consent can share with an agency. */
export const INFORMATION = ['assessment', 'delivery-plan', 'reviews'] as const;
export type Information = (typeof INFORMATION)[number];
export const InformationSchema = Enum(INFORMATION);

/** The CAF's three assessment domains and their elements (domain notes, CAF section), in form order. */
export const CAF_DOMAINS = {
  'development-of-the-child': {
    title: 'Development of the child',
    elements: {
      'general-health': 'General health',
      'physical-development': 'Physical development',
      'speech-language-and-communication': 'Speech, language and communication',
      'emotional-and-social-development': 'Emotional and social development',
      'behavioural-development': 'Behavioural development',
      identity: 'Identity, including self-esteem, self-image and social presentation',
      'family-and-social-relationships': 'Family and social relationships',
      'self-care-skills-and-independence': 'Self-care skills and independence',
      learning: 'Learning',
    },
  },
  'parents-and-carers': {
    title: 'Parents and carers',
    elements: {
      'basic-care-ensuring-safety-and-protection': 'Basic care, ensuring safety and protection',
      'emotional-warmth-and-stability': 'Emotional warmth and stability',
      'guidance-boundaries-and-stimulation': 'Guidance, boundaries and stimulation',
    },
  },
  'family-and-environmental': {
    title: 'Family and environmental',
    elements: {
      'family-history-functioning-and-well-being': 'Family history, functioning and well-being',
      'wider-family': 'Wider family',
      'housing-employment-and-financial-considerations': 'Housing, employment and financial considerations',
      'social-and-community-elements-and-resources-including-education': 'Social and community elements and resources, including education',
    },
  },
} as const;
export type CafDomain = keyof typeof CAF_DOMAINS;
export type CafElement<D extends CafDomain = CafDomain> = D extends CafDomain ? keyof (typeof CAF_DOMAINS)[D]['elements'] : never;
export const CAF_DOMAIN_NAMES = Object.keys(CAF_DOMAINS) as CafDomain[];

function elementOf<D extends CafDomain>(domain: D) {
  const elements = Object.keys(CAF_DOMAINS[domain].elements) as Array<CafElement<D>>;
  return Closed(
    {
      domain: Type.Literal(domain),
      element: Enum(elements, { description: `An element of "${CAF_DOMAINS[domain].title}".` }),
      strengths: Type.Optional(Text(4000)),
      needs: Type.Optional(Text(4000)),
    },
    { title: `AssessmentElement (${CAF_DOMAINS[domain].title})` },
  );
}

export const AssessmentElement = Tagged(
  'domain',
  [elementOf('development-of-the-child'), elementOf('parents-and-carers'), elementOf('family-and-environmental')],
  {
    title: 'AssessmentElement',
    description: 'Strengths and needs for one element of one CAF domain. Each element appears at most once, with strengths, needs or both.',
  },
);
export type AssessmentElement = Static<typeof AssessmentElement>;

// ---------------------------------------------------------------------------------------------- consent

export const CONSENT_GIVERS = ['child', 'parent', 'carer'] as const;
export const ConsentGiver = Closed(
  { role: Enum(CONSENT_GIVERS, { description: 'The child (young person), a parent, or a carer.' }), name: PersonName },
  { title: 'ConsentGiver' },
);

export const SharingPermission = Closed(
  {
    agency: AgencySchema,
    information: Type.Array(InformationSchema, {
      minItems: 1,
      maxItems: INFORMATION.length,
      uniqueItems: true,
      description: 'What may be shared with this agency.',
    }),
  },
  { title: 'SharingPermission' },
);
export type SharingPermission = Static<typeof SharingPermission>;

const consentProps = {
  givenBy: ConsentGiver,
  givenOn: DateString(),
  sharing: Type.Array(SharingPermission, {
    minItems: 1,
    maxItems: AGENCIES.length,
    description: 'Which agencies may see which parts of the CAF. Each agency once.',
  }),
  involveParentsCarers: Type.Boolean({ description: "Whether the practitioners may discuss the CAF with the child's parents or carers." }),
  note: Type.Optional(Text(1000)),
};

export const ConsentInput = Closed(consentProps, {
  title: 'ConsentInput',
  description: 'Consent as given: voluntary and informed, by the child or a parent or carer, naming what may be shared with which agencies.',
});
export type ConsentInput = Static<typeof ConsentInput>;

export const ConsentWithdrawalInput = Closed({ withdrawnOn: DateString(), note: Type.Optional(Text(1000)) }, { title: 'ConsentWithdrawalInput' });
export type ConsentWithdrawalInput = Static<typeof ConsentWithdrawalInput>;

export const ConsentRecord = Closed(
  {
    consentId: Type.String(),
    ...consentProps,
    recordedAt: DateTimeString(),
    recordedBy: Type.String({ description: 'Practitioner ID, or "client:<id>" for a local system.' }),
    withdrawal: Type.Optional(
      Closed({ withdrawnOn: DateString(), recordedAt: DateTimeString(), recordedBy: Type.String(), note: Type.Optional(Text(1000)) }),
    ),
  },
  { title: 'ConsentRecord' },
);
export type ConsentRecord = Static<typeof ConsentRecord>;

// ---------------------------------------------------------------------------------------------- TAC

export const TAC_ROLES = ['episode-coordinator', 'practitioner', 'social-worker', 'social-care-representative'] as const;
export type TacRole = (typeof TAC_ROLES)[number];
/** Roles that only children's social care fills (guidance note 4.2). */
export const SOCIAL_CARE_ROLES: readonly TacRole[] = ['social-worker', 'social-care-representative'];

const memberInputProps = {
  practitionerId: PractitionerId,
  contact: PractitionerContact,
  agency: AgencySchema,
};

export const TacMemberInput = Closed(
  { ...memberInputProps, role: Enum(['practitioner', 'social-worker', 'social-care-representative'] as const) },
  { title: 'TacMemberInput', description: 'A practitioner joining the Team Around the Child. Their agency must be covered by consent in force.' },
);
export type TacMemberInput = Static<typeof TacMemberInput>;

export const TacMember = Closed(
  {
    ...memberInputProps,
    role: Enum(TAC_ROLES),
    joinedAt: DateTimeString(),
    addedBy: Type.String(),
    leftAt: Type.Optional(DateTimeString()),
    removedBy: Type.Optional(Type.String()),
  },
  { title: 'TacMember', description: 'A member of the Team Around the Child; former members keep their entry with `leftAt`.' },
);
export type TacMember = Static<typeof TacMember>;

// ---------------------------------------------------------------------------------------------- assessment

const assessmentProps = {
  completedOn: DateString({ description: 'When the common assessment was completed.' }),
  reasonForAssessment: Text(2000),
  peoplePresent: Type.Array(Text(200), { minItems: 1, maxItems: 20 }),
  background: Type.Optional(
    Closed(
      {
        ethnicity: Type.Optional(Text(80)),
        childFirstLanguage: Type.Optional(Text(60)),
        parentFirstLanguage: Type.Optional(Text(60)),
        disability: Type.Optional(Text(500)),
      },
      { minProperties: 1, title: 'AssessmentBackground' },
    ),
  ),
  servicesAlreadyInvolved: Type.Array(AgencySchema, { maxItems: AGENCIES.length, uniqueItems: true }),
  elements: Type.Array(AssessmentElement, { minItems: 1, maxItems: 16 }),
  childComment: Type.Optional(Text(2000)),
  parentComment: Type.Optional(Text(2000)),
};

export const AssessmentInput = Closed(assessmentProps, {
  title: 'AssessmentInput',
  description: 'The common assessment across the three CAF domains: strengths and needs per element.',
});
export type AssessmentInput = Static<typeof AssessmentInput>;

export const Assessment = Closed(
  {
    ...assessmentProps,
    assessedBy: PractitionerId,
    lastUpdatedOn: DateString({ description: 'When the assessment was last completed or updated (what ContactPoint shows).' }),
  },
  { title: 'Assessment' },
);
export type Assessment = Static<typeof Assessment>;

// ---------------------------------------------------------------------------------------------- delivery plan

export const FAMILY_RELATIONSHIPS = ['child', 'parent', 'carer', 'other-family'] as const;
export const Responsible = Tagged(
  'kind',
  [
    Closed({ kind: Type.Literal('tac-member'), practitionerId: PractitionerId }),
    Closed({ kind: Type.Literal('family'), name: PersonName, relationship: Enum(FAMILY_RELATIONSHIPS) }),
  ],
  { title: 'Responsible', description: 'Who carries out the action: a TAC member, or the child or someone in the family.' },
);
export type Responsible = Static<typeof Responsible>;

export const ACTION_STATUSES = ['not-started', 'in-progress', 'done', 'dropped'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

const actionProps = {
  action: Text(1000),
  responsible: Responsible,
  byWhen: DateString(),
  desiredOutcome: Text(1000),
};

export const ActionInput = Closed(actionProps, {
  title: 'ActionInput',
  description: 'One delivery plan action: what, who, by when, the desired outcome.',
});
export type ActionInput = Static<typeof ActionInput>;

export const ProgressInput = Closed(
  { status: Enum(ACTION_STATUSES), note: Text(2000), outcome: Type.Optional(Text(1000, { description: 'What was achieved.' })) },
  { title: 'ProgressInput' },
);
export type ProgressInput = Static<typeof ProgressInput>;

export const ProgressEntry = Closed(
  { at: DateTimeString(), by: Type.String(), status: Enum(ACTION_STATUSES), note: Text(2000) },
  { title: 'ProgressEntry' },
);

export const Action = Closed(
  {
    actionId: Type.String(),
    ...actionProps,
    status: Enum(ACTION_STATUSES),
    outcome: Type.Optional(Text(1000)),
    progress: Type.Array(ProgressEntry),
    addedAt: DateTimeString(),
    addedBy: Type.String(),
  },
  { title: 'Action' },
);
export type Action = Static<typeof Action>;

// ---------------------------------------------------------------------------------------------- reviews and closure

export const CLOSURE_REASONS = [
  'needs-met',
  'family-disengaged',
  'moved-to-another-authority',
  'transfer-to-alternative-holistic-assessment',
] as const;
export type ClosureReason = (typeof CLOSURE_REASONS)[number];
export const ClosureReasonSchema = Enum(CLOSURE_REASONS, {
  description:
    'needs-met; family-disengaged (consent withdrawn or uncontactable); moved-to-another-authority (transferred ' +
    'with consent); transfer-to-alternative-holistic-assessment (moved to social care, after a referral).',
});

const reviewProps = {
  date: DateString(),
  peoplePresent: Type.Array(Text(200), { minItems: 1, maxItems: 30 }),
  progressSummary: Type.Optional(Text(4000)),
  nextSteps: Text(4000),
  outcome: Tagged(
    'kind',
    [
      Closed({ kind: Type.Literal('next-review'), nextReviewOn: DateString() }),
      Closed({ kind: Type.Literal('closure-recommended'), reason: ClosureReasonSchema }),
    ],
    { title: 'ReviewOutcome', description: 'The next review date, or the reason for closure. Recommending closure does not close the episode.' },
  ),
  childComments: Type.Optional(Text(2000)),
  parentComments: Type.Optional(Text(2000)),
};

export const ReviewInput = Closed(reviewProps, {
  title: 'ReviewInput',
  description: "A TAC review: date, people present, next steps, next review date or reason for closure, the child's and parent's comments.",
});
export type ReviewInput = Static<typeof ReviewInput>;

export const Review = Closed(
  { reviewId: Type.String(), ...reviewProps, recordedAt: DateTimeString(), recordedBy: Type.String() },
  { title: 'Review' },
);
export type Review = Static<typeof Review>;

export const CloseRequest = Closed({ reason: ClosureReasonSchema, note: Type.Optional(Text(2000)) }, { title: 'CloseRequest' });
export type CloseRequest = Static<typeof CloseRequest>;

export const ReopenRequest = Closed(
  { reason: Text(2000, { description: 'Why the episode reopens (for example, stepping down from social care).' }) },
  { title: 'ReopenRequest' },
);
export type ReopenRequest = Static<typeof ReopenRequest>;

export const Closure = Closed(
  { reason: ClosureReasonSchema, closedAt: DateTimeString(), closedBy: Type.String(), note: Type.Optional(Text(2000)) },
  { title: 'Closure' },
);
export type Closure = Static<typeof Closure>;

// ---------------------------------------------------------------------------------------------- social care

export const SOCIAL_CARE_STATES = ['referred', 'social-care-responsibility', 'stepped-down'] as const;
export type SocialCareState = (typeof SOCIAL_CARE_STATES)[number];

export const ReferralRequest = Closed(
  { note: Text(2000, { description: 'What the referral asks of social care.' }), socialCareMember: TacMemberInput },
  { title: 'ReferralRequest', description: 'Stepping up: a social worker, or a social-care representative until one is allocated, joins the TAC.' },
);
export type ReferralRequest = Static<typeof ReferralRequest>;

export const ResponsibilityRequest = Closed(
  { note: Text(1000, { description: 'The free-text marker that social care now holds responsibility for the case.' }) },
  { title: 'ResponsibilityRequest' },
);
export type ResponsibilityRequest = Static<typeof ResponsibilityRequest>;

export const StepDownRequest = Closed(
  {
    leadProfessional: PractitionerId,
    note: Text(2000),
    socialCareLeaves: Type.Boolean({ description: 'Whether the social-care members leave the TAC now.' }),
  },
  { title: 'StepDownRequest', description: 'Stepping down: social care hands the open episode back to a lead professional.' },
);
export type StepDownRequest = Static<typeof StepDownRequest>;

export const SocialCare = Closed(
  {
    state: Enum(SOCIAL_CARE_STATES),
    referredAt: DateTimeString(),
    referredBy: Type.String(),
    referralNote: Text(2000),
    responsibilityNote: Type.Optional(Text(1000)),
    responsibilityAt: Type.Optional(DateTimeString()),
    steppedDownAt: Type.Optional(DateTimeString()),
  },
  { title: 'SocialCare' },
);
export type SocialCare = Static<typeof SocialCare>;

// ---------------------------------------------------------------------------------------------- other requests

export const LeadProfessionalRequest = Closed({ practitionerId: PractitionerId }, { title: 'LeadProfessionalRequest' });

export const SendMessageRequest = Closed(
  {
    to: Type.Array(PractitionerId, { minItems: 1, maxItems: 30, uniqueItems: true }),
    subject: Text(200),
    body: Text(4000),
  },
  { title: 'SendMessageRequest', description: 'A message about the episode to other TAC members.' },
);
export type SendMessageRequest = Static<typeof SendMessageRequest>;

export const TacMessage = Closed(
  {
    messageId: Type.String(),
    sentAt: DateTimeString(),
    from: PractitionerId,
    to: Type.Array(PractitionerId),
    subject: Type.String(),
    body: Type.String(),
  },
  { title: 'TacMessage' },
);
export type TacMessage = Static<typeof TacMessage>;

export const OpenEpisodeRequest = Closed(
  {
    child: ChildIdentity,
    practitioner: Closed(
      { contact: PractitionerContact, agency: AgencySchema },
      { title: 'OpeningPractitioner', description: 'The caller (named by the Practitioner-Id header): they become the episode co-ordinator.' },
    ),
    consent: ConsentInput,
    assessment: Type.Optional(AssessmentInput),
  },
  { title: 'OpenEpisodeRequest', description: "Log a new CAF episode. Consent must already be given and must cover the practitioner's agency." },
);
export type OpenEpisodeRequest = Static<typeof OpenEpisodeRequest>;

// ---------------------------------------------------------------------------------------------- episode views

export const EPISODE_EVENTS = [
  'opened',
  'transferred-in',
  'imported',
  'child-updated',
  'assessment-updated',
  'consent-recorded',
  'consent-withdrawn',
  'tac-joined',
  'tac-left',
  'lead-professional',
  'action-added',
  'action-progress',
  'review-recorded',
  'referred-to-social-care',
  'social-care-responsibility',
  'stepped-down',
  'closed',
  'reopened',
  'exported',
] as const;
export type EpisodeEventKind = (typeof EPISODE_EVENTS)[number];

export const EpisodeEvent = Closed(
  { at: DateTimeString(), by: Type.String(), event: Enum(EPISODE_EVENTS), detail: Type.Optional(Type.String()) },
  { title: 'EpisodeEvent' },
);
export type EpisodeEvent = Static<typeof EpisodeEvent>;

export const Origin = Tagged(
  'kind',
  [
    Closed({ kind: Type.Literal('opened'), by: PractitionerId }),
    Closed({ kind: Type.Literal('transfer'), clientId: Type.String(), localRef: LocalRef }),
    Closed({ kind: Type.Literal('migration'), clientId: Type.String(), localRef: LocalRef, batchId: Type.String() }),
    Closed({ kind: Type.Literal('seed'), localRef: LocalRef }),
  ],
  { title: 'Origin', description: 'How the episode reached National eCAF.' },
);
export type Origin = Static<typeof Origin>;

export const ExportRecord = Closed(
  {
    exportId: Type.String(),
    at: DateTimeString(),
    clientId: Type.String(),
    destination: Closed({ localAuthority: Type.String(), system: Type.String() }),
  },
  { title: 'ExportRecord' },
);
export type ExportRecord = Static<typeof ExportRecord>;

export const IndicatorState = Closed(
  {
    sentAt: DateTimeString(),
    status: Type.Unsafe<'accepted' | 'queued-for-review' | 'stale' | 'not-sent'>({
      type: 'string',
      enum: ['accepted', 'queued-for-review', 'stale', 'not-sent'],
    }),
    contactPointId: Type.Optional(Type.String()),
    reviewId: Type.Optional(Type.String()),
    reason: Type.Optional(Type.String()),
  },
  { title: 'IndicatorState', description: 'The last CAF indicator sent to ContactPoint for this episode, and what ContactPoint did with it.' },
);
export type IndicatorState = Static<typeof IndicatorState>;

export const EpisodeView = Closed(
  {
    episodeId: EpisodeId,
    status: Type.Unsafe<'open' | 'closed'>({ type: 'string', enum: ['open', 'closed'] }),
    child: ChildIdentity,
    openedAt: DateTimeString(),
    openSince: DateTimeString({ description: 'Start of the current open period (reset by a reopening).' }),
    lastUpdatedAt: DateTimeString(),
    origin: Origin,
    consents: Type.Array(ConsentRecord),
    tac: Type.Array(TacMember),
    leadProfessional: Type.Optional(PractitionerId),
    assessment: Type.Optional(Assessment),
    deliveryPlan: Type.Optional(Type.Array(Action)),
    reviews: Type.Optional(Type.Array(Review)),
    nextReviewOn: Type.Optional(DateString()),
    withheld: Type.Array(InformationSchema, { description: "Parts of the CAF consent does not share with the caller's agency." }),
    socialCare: Type.Optional(SocialCare),
    socialCareResponsibility: Type.Boolean({ description: 'The episode stays open, marked as the responsibility of social care.' }),
    closure: Type.Optional(Closure),
    events: Type.Array(EpisodeEvent),
    exports: Type.Array(ExportRecord),
    contactPoint: Type.Optional(IndicatorState),
    shielded: Type.Optional(
      Type.Boolean({ description: 'The child is shielded on ContactPoint: the view carries no address, contact details or school.' }),
    ),
  },
  { title: 'EpisodeView', description: 'A CAF episode as the caller may see it.' },
);
export type EpisodeView = Static<typeof EpisodeView>;

/** What National eCAF stores: the full view, every part present. */
export type Episode = Omit<EpisodeView, 'withheld' | 'deliveryPlan' | 'reviews' | 'nextReviewOn' | 'socialCareResponsibility'> & {
  deliveryPlan: Action[];
  reviews: Review[];
};

export const EpisodeSummary = Closed(
  {
    episodeId: EpisodeId,
    status: Type.String(),
    child: Closed({ name: PersonName, dateOfBirth: DateString() }),
    myRole: Enum(TAC_ROLES),
    leadProfessional: Type.Optional(PractitionerId),
    socialCareResponsibility: Type.Boolean(),
    openSince: DateTimeString(),
    lastUpdatedAt: DateTimeString(),
  },
  { title: 'EpisodeSummary' },
);

export const LongOpenReport = Closed(
  {
    asOf: DateTimeString(),
    olderThanDays: Type.Integer(),
    episodes: Type.Array(
      Closed({
        episodeId: EpisodeId,
        openSince: DateTimeString(),
        daysOpen: Type.Integer(),
        lastUpdatedAt: DateTimeString(),
        socialCareResponsibility: Type.Boolean(),
        leadProfessional: Type.Optional(PractitionerContact),
        coordinator: Type.Optional(PractitionerContact),
      }),
    ),
  },
  {
    title: 'LongOpenReport',
    description: 'Open episodes whose current open period is longer than the given number of days. No child details, no CAF content.',
  },
);

// ---------------------------------------------------------------------------------------------- exchange with local eCAF systems

const exchangeConsent = Closed({ ...consentProps, withdrawnOn: Type.Optional(DateString()) }, { title: 'ExchangeConsent' });
const exchangeMember = Closed(
  { ...memberInputProps, role: Enum(TAC_ROLES), joinedOn: DateString(), leftOn: Type.Optional(DateString()) },
  { title: 'ExchangeTacMember' },
);
const exchangeAction = Closed(
  {
    ...actionProps,
    status: Enum(ACTION_STATUSES),
    outcome: Type.Optional(Text(1000)),
    progress: Type.Array(Closed({ on: DateString(), by: Type.Optional(PractitionerId), note: Text(2000) }), { maxItems: 100 }),
  },
  { title: 'ExchangeAction' },
);

export const ExchangeEpisode = Closed(
  {
    localRef: LocalRef,
    openedOn: DateString(),
    child: ChildIdentity,
    consents: Type.Array(exchangeConsent, {
      maxItems: 20,
      description: 'Consent as captured. An episode without consent in force is refused on transfer and held on migration.',
    }),
    tac: Type.Array(exchangeMember, { minItems: 1, maxItems: 30 }),
    leadProfessional: Type.Optional(PractitionerId),
    assessment: Type.Optional(
      Closed(
        {
          ...assessmentProps,
          assessedBy: PractitionerId,
          lastUpdatedOn: Type.Optional(DateString({ description: 'When it was last updated, if after completion.' })),
        },
        { title: 'ExchangeAssessment' },
      ),
    ),
    deliveryPlan: Type.Array(exchangeAction, { maxItems: 100 }),
    reviews: Type.Array(ReviewInput, { maxItems: 100 }),
    status: Type.Unsafe<'open' | 'closed'>({ type: 'string', enum: ['open', 'closed'] }),
    closure: Type.Optional(Closed({ reason: ClosureReasonSchema, closedOn: DateString(), note: Type.Optional(Text(2000)) })),
    socialCare: Type.Optional(
      Closed({ state: Enum(SOCIAL_CARE_STATES), referredOn: DateString(), referralNote: Text(2000), responsibilityNote: Type.Optional(Text(1000)) }),
    ),
  },
  {
    title: 'ExchangeEpisode',
    description:
      "One CAF episode as exchanged between National eCAF and local eCAF systems (this project's own format: the " +
      '2009 eCAF XML Schema is not public). TAC members are named by practitioner ID; the lead professional, ' +
      'assessor and responsible members must be among them.',
  },
);
export type ExchangeEpisode = Static<typeof ExchangeEpisode>;

export const TransferRequest = Closed(
  {
    messageId: Uuid({ description: 'Unique per transfer. A retry must reuse it: the original answer comes back with `repeat: true`.' }),
    episode: ExchangeEpisode,
  },
  {
    title: 'TransferRequest',
    description: 'A local eCAF module -> National eCAF: one episode (a child moves to an authority that uses National eCAF).',
  },
);
export type TransferRequest = Static<typeof TransferRequest>;

export const TransferReceipt = Closed(
  {
    messageId: Uuid(),
    episodeId: EpisodeId,
    localRef: LocalRef,
    receivedAt: DateTimeString(),
    repeat: Type.Boolean(),
    contactPoint: Type.Optional(IndicatorState),
  },
  { title: 'TransferReceipt' },
);
export type TransferReceipt = Static<typeof TransferReceipt>;

export const ExportRequest = Closed(
  {
    episodeId: EpisodeId,
    destination: Closed({
      localAuthority: Type.String({ pattern: '^[0-9]{3}$', description: 'DfE 3-digit code of the receiving authority.' }),
      system: Text(120, { description: 'The receiving local CAF system.' }),
    }),
  },
  {
    title: 'ExportRequest',
    description: 'National eCAF -> a local CAF system: one episode (a child moves to an authority with a local CAF system).',
  },
);
export type ExportRequest = Static<typeof ExportRequest>;

export const ExportResult = Closed(
  {
    exportId: Type.String(),
    exportedAt: DateTimeString(),
    destination: ExportRequest.properties.destination,
    shielded: Type.Optional(
      Type.Literal(true, { description: "The child is shielded on ContactPoint: the episode's child has no address, contact details or school." }),
    ),
    episode: ExchangeEpisode,
  },
  { title: 'ExportResult' },
);

export const MigrationBatch = Closed(
  {
    batchRef: LocalRef,
    episodes: Type.Array(
      Type.Unsafe<unknown>({
        type: 'object',
        title: 'ExchangeEpisode (validated one by one)',
        description: 'An ExchangeEpisode. Each is validated on its own, so one bad episode is reported in its result and does not stop the batch.',
      }),
      { minItems: 1, maxItems: 500 },
    ),
  },
  { title: 'MigrationBatch', description: "A local eCAF system's episodes for import into National eCAF (migration project)." },
);
export type MigrationBatch = Static<typeof MigrationBatch>;

export const MIGRATION_OUTCOMES = ['imported', 'held-for-consent', 'already-received', 'rejected'] as const;
export const MigrationResult = Closed(
  {
    index: Type.Integer({ minimum: 0 }),
    localRef: Type.Optional(Type.String()),
    outcome: Enum(MIGRATION_OUTCOMES),
    episodeId: Type.Optional(EpisodeId),
    holdId: Type.Optional(Type.String()),
    reasons: Type.Optional(Type.Array(Type.String())),
    problem: Type.Optional(Type.Any()),
  },
  { title: 'MigrationResult' },
);
export type MigrationResult = Static<typeof MigrationResult>;

export const MigrationReport = Closed(
  {
    batchId: Type.String(),
    batchRef: LocalRef,
    receivedAt: DateTimeString(),
    summary: Closed({ imported: Type.Integer(), heldForConsent: Type.Integer(), alreadyReceived: Type.Integer(), rejected: Type.Integer() }),
    results: Type.Array(MigrationResult),
  },
  { title: 'MigrationReport' },
);

export const HeldEpisode = Closed(
  {
    holdId: Type.String(),
    batchId: Type.String(),
    localRef: LocalRef,
    status: Type.Unsafe<'held' | 'released'>({ type: 'string', enum: ['held', 'released'] }),
    heldAt: DateTimeString(),
    child: Closed({ name: PersonName, dateOfBirth: DateString() }),
    reasons: Type.Array(Type.String(), { description: 'What consent is still missing; empty once the episode can be released.' }),
    releasable: Type.Boolean(),
    consents: Type.Array(exchangeConsent),
    episodeId: Type.Optional(EpisodeId),
  },
  { title: 'HeldEpisode', description: 'A migrated episode held for manual consent capture: not imported, not visible to practitioners.' },
);
export type HeldEpisode = Static<typeof HeldEpisode>;

export const AuditEntry = Closed(
  {
    seq: Type.Integer(),
    at: DateTimeString(),
    clientId: Type.String(),
    practitionerId: Type.Optional(Type.String()),
    operation: Type.String(),
    episodeId: Type.Optional(Type.String()),
    holdId: Type.Optional(Type.String()),
    outcome: Type.Unsafe<'granted' | 'refused'>({ type: 'string', enum: ['granted', 'refused'] }),
    status: Type.Optional(Type.Integer()),
    rule: Type.Optional(Type.String()),
    requirement: Type.Optional(Type.String()),
  },
  { title: 'EcafAuditEntry' },
);
export type AuditEntry = Static<typeof AuditEntry>;

export { ChildIdentity, PractitionerContact };
