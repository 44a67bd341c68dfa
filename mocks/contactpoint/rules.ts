/**
 * Every rule ContactPoint enforces, once (docs/decisions/0020): its name, the requirement, the
 * problem code and status, where docs/interface/contactpoint.md states it, and for the rules a
 * message breaks on its own, the check itself. The prepare step runs those checks in table order;
 * the directory and the routes raise the others by key. Schema failures cite the requirement of the
 * field they are at, through the field tables below. The problem codes and the requirements that are
 * ContactPoint's own are here too, so a rule with a new code and a new requirement is one file of code.
 * Adding a rule: CONTRIBUTING.md.
 */
import { FieldTable, RuleBook, type FieldRow, type RuleDef, type ServiceRequirement } from '../../src/platform/rules.js';
import { defineErrors } from '../../src/platform/errors.js';
import { ageOn } from '../../src/platform/clock.js';
import type { ChildIdentity, PractitionerContact } from '../../src/platform/schemas/common.js';
import { PLATFORM_ERRORS } from '../../src/platform/errors.js';
import { SENSITIVE_SERVICES, type CafIndicatorMessage, type InvolvementMessage } from './schemas.js';
import { findCaseContent } from './domain/case-content.js';

/**
 * ContactPoint's own problem codes (National eCAF reuses those that mean the same there: dates, a
 * reused message ID, another system's record). mocks/rules.ts merges every service's into the one
 * catalogue that docs/errors.md lists, with what each means and how to fix it.
 */
export const CONTACTPOINT_ERRORS = defineErrors({
  ICS_ERR_CASE_INFORMATION: { status: 422, title: 'The message carries case information. ContactPoint holds who is involved, never why.' },
  ICS_ERR_AGE_LIMIT: { status: 422, title: 'The child is 18 or over on the message date: the record belongs in the archive.' },
  ICS_ERR_SENSITIVE_BASIS: { status: 422, title: 'A sensitive service needs a stated basis: consent, or significant harm suspected.' },
  ICS_ERR_DATES: { status: 422, title: 'Dates contradict each other: an end date before the start date, or a date of birth after the message date.' },
  ICS_ERR_MESSAGE_ID_REUSED: {
    status: 409,
    title: 'This message ID was already used for a different message. A retry must resend the same message.',
  },
  ICS_ERR_DELETE_NOT_ALLOWED: { status: 409, title: 'Involvements are never deleted: send the end date instead.' },
  ICS_ERR_NOT_OWNER: { status: 404, title: 'No such record for your system. A source system sees only its own records.' },
  ICS_ERR_REVIEW_STATE: { status: 409, title: 'The review item is already resolved.' },
});

const E = CONTACTPOINT_ERRORS;

/**
 * The requirements ContactPoint enforces on whoever calls it, not on a vendor's system (the harness's
 * catalogue merges them, appliesTo 'service'): matching and lookups, which only this project's tests verify.
 */
const GUIDANCE_2_2 = {
  section: 'Guidance note 2.2',
  quote:
    'ContactPoint is an online directory that provides a quick way for authorised practitioners to find out who else is working with the same child.',
};

export const CONTACTPOINT_REQUIREMENTS: readonly ServiceRequirement[] = [
  {
    id: 'CP-MATCH-001',
    statement: 'ContactPoint matches a source record to a child by NHS number, UPN or ULN.',
    source: GUIDANCE_2_2,
    verifiedBy: ['test/contactpoint/feed.test.ts'],
  },
  {
    id: 'CP-MATCH-002',
    statement: 'Without identifiers ContactPoint matches on name, date of birth and postcode.',
    source: GUIDANCE_2_2,
    verifiedBy: ['test/contactpoint/feed.test.ts'],
  },
  {
    id: 'CP-MATCH-003',
    statement: 'Ambiguous or conflicting matches go to a review queue with the reason; no duplicate child is made.',
    source: GUIDANCE_2_2,
    verifiedBy: ['test/contactpoint/feed.test.ts'],
  },
  {
    id: 'CP-LOOKUP-001',
    statement: 'Practitioners search by name, date of birth and postcode.',
    source: GUIDANCE_2_2,
    verifiedBy: ['test/contactpoint/lookup.test.ts'],
  },
  {
    id: 'CP-LOOKUP-002',
    statement:
      'A record shows identity, parents and carers, school, involvements with contacts, CAF indicator and lead professional; never case detail.',
    source: GUIDANCE_2_2,
    verifiedBy: ['test/contactpoint/lookup.test.ts'],
  },
  {
    id: 'CP-LOOKUP-003',
    statement: 'Ended involvements stay visible for one year after their end date, then drop out.',
    source: GUIDANCE_2_2,
    verifiedBy: ['test/contactpoint/lookup.test.ts'],
  },
  {
    id: 'CP-LOOKUP-004',
    statement: 'A shielded record is found only on visible fields and shows the restricted view.',
    source: GUIDANCE_2_2,
    verifiedBy: ['test/contactpoint/lookup.test.ts'],
  },
  { id: 'CP-LOOKUP-005', statement: 'Every lookup is audited.', source: GUIDANCE_2_2, verifiedBy: ['test/contactpoint/lookup.test.ts'] },
  {
    id: 'CP-LOOKUP-006',
    statement: 'Lookups carry a practitioner identity.',
    source: GUIDANCE_2_2,
    verifiedBy: ['test/contactpoint/lookup.test.ts'],
  },
];

/** A check's hits: each a JSON pointer into the message and what is wrong there. */
export type Hits = Array<[path: string, message: string]>;

export interface ContactPointRule extends RuleDef {
  /** The check of an InvolvementMessage, for a rule a message breaks on its own. Pure: it runs on the prepare worker. */
  readonly involvement?: (m: InvolvementMessage) => Hits;
  /** The same for a CafIndicatorMessage. */
  readonly caf?: (m: CafIndicatorMessage) => Hits;
}

const FEED = 'docs/interface/contactpoint.md#the-involvement-feed';

/** No hits: one shared empty list, since nearly every check of nearly every message finds nothing. */
const NONE: Hits = [];

const day = (m: { sentAt: string }) => m.sentAt.slice(0, 10);

function bornByMessageDate(child: ChildIdentity, on: string): Hits {
  return child.dateOfBirth > on ? [['/child/dateOfBirth', 'date of birth is after the message date']] : NONE;
}

function under18(child: ChildIdentity, on: string): Hits {
  // A child born after the message date is younger than 0, not 18: born-by-message-date says so.
  if (child.dateOfBirth > on) return NONE;
  const age = ageOn(child.dateOfBirth, on);
  return age >= 18
    ? [
        [
          '/child/dateOfBirth',
          `the child is ${age} on ${on}: ContactPoint holds children up to their 18th birthday; the record belongs in the archive`,
        ],
      ]
    : NONE;
}

function caseContent(fields: Array<[string, string | undefined]>, message: (term: string) => string): Hits {
  const found = findCaseContent(fields);
  return found.length === 0 ? NONE : found.map((f) => [f.path, message(f.term)]);
}

const schoolName = (child: ChildIdentity): Array<[string, string | undefined]> => (child.school ? [['/child/school/name', child.school.name]] : []);

/** The free-text fields of a contact: where case content could be smuggled in. */
function contactTexts(c: PractitionerContact, prefix: string): Array<[string, string | undefined]> {
  return c.kind === 'practitioner'
    ? [
        [`${prefix}/role`, c.role],
        [`${prefix}/organisation`, c.organisation],
      ]
    : [
        [`${prefix}/teamName`, c.teamName],
        [`${prefix}/organisation`, c.organisation],
      ];
}

/** A row; its status is its code's unless it says otherwise. */
const rule = (r: Omit<ContactPointRule, 'status'> & { status?: number }): ContactPointRule => ({ ...r, status: r.status ?? r.error.status });

/**
 * In the order the checks run, which is the order a refusal names them in (its code is the first's).
 * ContactPoint's requirements are on the vendor's system, so `breaks` is the requirement itself,
 * except for the review queue, which only the harness works.
 */
export const CONTACTPOINT_RULES = {
  'born-by-message-date': rule({
    rule: 'born-by-message-date',
    requirement: 'CP-FEED-010',
    breaks: 'CP-FEED-010',
    error: E.ICS_ERR_DATES,
    anchor: FEED,
    involvement: (m) => bornByMessageDate(m.child, day(m)),
    caf: (m) => bornByMessageDate(m.child, day(m)),
  }),
  'under-18': rule({
    rule: 'under-18',
    requirement: 'CP-FEED-005',
    breaks: 'CP-FEED-005',
    error: E.ICS_ERR_AGE_LIMIT,
    anchor: FEED,
    involvement: (m) => under18(m.child, day(m)),
    caf: (m) => under18(m.child, day(m)),
  }),
  'case-information': rule({
    rule: 'case-information',
    requirement: 'CP-FEED-002',
    breaks: 'CP-FEED-002',
    error: E.ICS_ERR_CASE_INFORMATION,
    anchor: FEED,
    involvement: (m) => {
      const school = caseContent(schoolName(m.child), (t) => `case information ("${t}") is not allowed`);
      const contact = caseContent(
        contactTexts(m.involvement.contact, '/involvement/contact'),
        (t) => `case information ("${t}") is not allowed: say whom to contact, never why`,
      );
      return school === NONE ? contact : contact === NONE ? school : [...school, ...contact];
    },
    caf: (m) => caseContent(schoolName(m.child), (t) => `case information ("${t}") is not allowed`),
  }),
  /** The assessor's contact in a CAF indicator: nothing of the assessment's content (CP-CAF-002). */
  'caf-case-information': rule({
    rule: 'case-information',
    requirement: 'CP-CAF-002',
    breaks: 'CP-CAF-002',
    error: E.ICS_ERR_CASE_INFORMATION,
    anchor: 'docs/interface/contactpoint.md#the-caf-indicator',
    caf: (m) => caseContent(contactTexts(m.assessor, '/assessor'), (t) => `case information ("${t}") is not allowed in a CAF indicator`),
  }),
  'end-after-start': rule({
    rule: 'end-after-start',
    requirement: 'CP-FEED-010',
    breaks: 'CP-FEED-010',
    error: E.ICS_ERR_DATES,
    anchor: FEED,
    involvement: ({ involvement: i }) =>
      i.endDate && i.endDate < i.startDate ? [['/involvement/endDate', 'end date is before the start date']] : NONE,
  }),
  'sensitive-basis-required': rule({
    rule: 'sensitive-basis-required',
    requirement: 'CP-FEED-006',
    breaks: 'CP-FEED-006',
    error: E.ICS_ERR_SENSITIVE_BASIS,
    anchor: 'docs/interface/contactpoint.md#sensitive-services',
    involvement: ({ involvement: i }) =>
      SENSITIVE_SERVICES.includes(i.service) && !i.sensitiveBasis
        ? [['/involvement/sensitiveBasis', `${i.service} is a sensitive service: state the basis (consent or significant-harm-suspected)`]]
        : NONE,
  }),
  // Raised by the directory: they need what it holds.
  'message-id-unique': rule({
    rule: 'message-id-unique',
    requirement: 'CP-FEED-001',
    breaks: 'CP-FEED-001',
    error: E.ICS_ERR_MESSAGE_ID_REUSED,
    anchor: 'docs/interface/contactpoint.md#idempotency-and-retries',
  }),
  'own-source-record': rule({
    rule: 'own-source-record',
    requirement: 'SEC-ISO-001',
    breaks: 'SEC-ISO-001',
    error: E.ICS_ERR_NOT_OWNER,
    anchor: 'docs/interface/contactpoint.md#authentication-and-permissions',
  }),
  /** Beyond the clock-skew tolerance: a message cannot have been sent later than the service received it. */
  'sent-at-not-in-future': rule({
    rule: 'not-in-future',
    requirement: 'CP-FEED-007',
    breaks: 'CP-FEED-007',
    error: PLATFORM_ERRORS.ICS_ERR_VALIDATION,
    anchor: FEED,
  }),
  'review-open': rule({
    rule: 'review-open',
    requirement: 'CP-MATCH-003',
    error: E.ICS_ERR_REVIEW_STATE,
    anchor: 'docs/interface/contactpoint.md#matching-and-the-review-queue',
  }),
  // Raised by the route: no involvement is ever deleted.
  'end-not-delete': rule({
    rule: 'end-not-delete',
    requirement: 'CP-FEED-008',
    breaks: 'CP-FEED-008',
    error: E.ICS_ERR_DELETE_NOT_ALLOWED,
    anchor: 'docs/interface/contactpoint.md#ending-an-involvement-never-deleting-it',
  }),
} satisfies Record<string, ContactPointRule>;

export type ContactPointRuleId = keyof typeof CONTACTPOINT_RULES;

/** ContactPoint's rules; a refusal naming several is coded as its first (the order above). */
export const CP = new RuleBook<ContactPointRuleId>('contactpoint', CONTACTPOINT_RULES, 'first');

/** The child's fields, in either message. */
const CHILD_FIELDS: FieldRow[] = [
  // The identifiers' check algorithms (NHS number modulus 11, UPN check letter, ULN) and their shape.
  { pointer: '/child/identifiers/**', requirement: 'CP-FEED-003' },
  { pointer: '/child/dateOfBirth', requirement: 'CP-FEED-010' },
  { pointer: '/child/school/startDate', requirement: 'CP-FEED-010' },
];

/**
 * Schema failures in an InvolvementMessage (single or bulk line), by field. A field outside the
 * specification is where case content gets in, wherever it is (CP-FEED-002); the rest of the
 * message is CP-FEED-014's: well formed and valid.
 */
export const INVOLVEMENT_FIELDS = new FieldTable([
  { pointer: '/**', rule: 'unknown-field', requirement: 'CP-FEED-002' },
  { pointer: '/messageId', requirement: 'CP-FEED-001' },
  ...CHILD_FIELDS,
  { pointer: '/sentAt', requirement: 'CP-FEED-010' },
  { pointer: '/involvement/startDate', requirement: 'CP-FEED-010' },
  { pointer: '/involvement/endDate', requirement: 'CP-FEED-010' },
  { pointer: '/involvement/contact/**', requirement: 'CP-FEED-004' },
  { pointer: '/involvement/sensitiveBasis', requirement: 'CP-FEED-006' },
  { pointer: '/involvement/leadProfessional', requirement: 'CP-FEED-012' },
  { pointer: '/**', requirement: 'CP-FEED-014' },
]);

/** The same for a CafIndicatorMessage: the assessor's contact and the rest of the indicator are CP-CAF-001's. */
export const CAF_INDICATOR_FIELDS = new FieldTable([
  { pointer: '/**', rule: 'unknown-field', requirement: 'CP-CAF-002' },
  { pointer: '/messageId', requirement: 'CP-FEED-001' },
  ...CHILD_FIELDS,
  { pointer: '/sentAt', requirement: 'CP-FEED-010' },
  { pointer: '/completedOn', requirement: 'CP-FEED-010' },
  { pointer: '/**', requirement: 'CP-CAF-001' },
]);
