/**
 * Every rule National eCAF enforces, once (docs/decisions/0020): its name as problems show it, the
 * requirement (mocks/ecaf/requirements.md), the problem code and status, and where
 * docs/interface/ecaf.md states it. The domain code (./domain) raises a rule by its key here and
 * never names a code or a requirement itself. One check may be two rows when the same rule name
 * serves two requirements or two codes (`member-once` is 422 in an incoming episode, 409 when
 * adding a member). Schema failures cite the requirement of the part they are in (field tables below).
 */
import { FieldTable, RuleBook, fieldsUnder, type FieldRow, type RuleDef } from '../../src/platform/rules.js';
import { PLATFORM_ERRORS as P, type ErrorDef } from '../../src/platform/errors.js';
import { CONTACTPOINT_ERRORS as CP } from '../contactpoint/rules.js';
import { defineErrors } from '../../src/platform/errors.js';

/**
 * National eCAF's own problem codes. Dates, a reused message ID and another system's record are
 * ContactPoint's codes: they mean the same here. mocks/rules.ts merges every service's codes into the
 * one catalogue docs/errors.md lists.
 */
export const ECAF_ERRORS = defineErrors({
  ICS_ERR_CONSENT_REQUIRED: { status: 403, title: 'No consent in force covers this access.' },
  ICS_ERR_NOT_TAC_MEMBER: { status: 403, title: 'Only members of the Team Around the Child may see or change this episode.' },
  ICS_ERR_LIFECYCLE: { status: 409, title: "This step is not allowed in the episode's current state." },
  ICS_ERR_HELD_FOR_CONSENT: { status: 409, title: 'The episode is held until consent is captured.' },
  ICS_ERR_TAC_ROLE: {
    status: 403,
    title: 'This step belongs to another TAC member or role (the rule says whose). Ask them, or the lead professional.',
  },
  ICS_ERR_ECAF_INVALID: {
    status: 422,
    title: 'The episode breaks a National eCAF rule. Each error names the JSON path, the rule and the requirement.',
  },
});

const E = ECAF_ERRORS;

const DOC = 'docs/interface/ecaf.md';
const EPISODES = `${DOC}#episodes`;
const CONSENT = `${DOC}#consent-and-access`;
const LIFECYCLE = `${DOC}#lifecycle`;
const STEPS = `${DOC}#stepping-up-to-social-care-and-stepping-down`;
const CLOSING = `${DOC}#closing-and-reopening`;
const EXCHANGE = `${DOC}#exchange-with-local-ecaf-systems`;
const TRANSFER = `${DOC}#transfer-in-one-episode`;
const HELD = `${DOC}#held-episodes-and-consent-capture`;

/** A row; its status is its code's. `breaks`: the requirement on a vendor's system that the refusal shows broken. */
const r = (rule: string, requirement: string, error: ErrorDef, anchor: string, breaks?: string): RuleDef => ({
  rule,
  requirement,
  error,
  status: error.status,
  anchor,
  ...(breaks ? { breaks } : {}),
});

export const ECAF_RULES = {
  // ---- the child, the assessment, consent, reviews, TAC members (checks.ts): entered by hand or in an incoming episode
  born: r('born', 'ECAF-EPISODE-002', CP.ICS_ERR_DATES, EPISODES),
  'under-18': r('under-18', 'ECAF-EPISODE-002', E.ICS_ERR_ECAF_INVALID, EPISODES),
  'assessment-not-in-future': r('not-in-future', 'ECAF-ASSESS-003', CP.ICS_ERR_DATES, EPISODES),
  'assessment-after-birth': r('after-birth', 'ECAF-ASSESS-003', CP.ICS_ERR_DATES, EPISODES),
  'element-once': r('element-once', 'ECAF-ASSESS-002', E.ICS_ERR_ECAF_INVALID, EPISODES),
  'strengths-or-needs': r('strengths-or-needs', 'ECAF-ASSESS-002', E.ICS_ERR_ECAF_INVALID, EPISODES),
  'consent-not-in-future': r('not-in-future', 'ECAF-CONSENT-004', CP.ICS_ERR_DATES, CONSENT),
  'agency-once': r('agency-once', 'ECAF-CONSENT-004', E.ICS_ERR_ECAF_INVALID, CONSENT),
  'withdrawal-after-given': r('after-given', 'ECAF-CONSENT-004', CP.ICS_ERR_DATES, CONSENT),
  'review-not-in-future': r('not-in-future', 'ECAF-REVIEW-002', CP.ICS_ERR_DATES, EPISODES),
  'next-after-review': r('next-after-review', 'ECAF-REVIEW-002', CP.ICS_ERR_DATES, EPISODES),
  'social-care-role': r('social-care-role', 'ECAF-TAC-002', E.ICS_ERR_ECAF_INVALID, EPISODES),
  'case-information': r('case-information', 'ECAF-TAC-004', E.ICS_ERR_ECAF_INVALID, EPISODES),
  // ---- an incoming episode as a whole (exchange.ts)
  'opened-not-in-future': r('not-in-future', 'ECAF-EXCH-005', CP.ICS_ERR_DATES, EXCHANGE),
  'opened-after-birth': r('after-birth', 'ECAF-EXCH-005', CP.ICS_ERR_DATES, EXCHANGE),
  'listed-once': r('member-once', 'ECAF-TAC-001', E.ICS_ERR_ECAF_INVALID, EXCHANGE),
  'left-after-joined': r('after-joined', 'ECAF-EXCH-005', E.ICS_ERR_ECAF_INVALID, EXCHANGE),
  'one-coordinator': r('one-coordinator', 'ECAF-TAC-001', E.ICS_ERR_ECAF_INVALID, EXCHANGE),
  'active-member': r('active-member', 'ECAF-EXCH-005', E.ICS_ERR_ECAF_INVALID, EXCHANGE),
  'lead-is-member': r('lead-is-member', 'ECAF-TAC-003', E.ICS_ERR_ECAF_INVALID, EPISODES),
  'after-opened': r('after-opened', 'ECAF-EXCH-005', CP.ICS_ERR_DATES, EXCHANGE),
  'assessor-is-member': r('assessor-is-member', 'ECAF-EXCH-005', E.ICS_ERR_ECAF_INVALID, EXCHANGE),
  'responsible-is-member': r('responsible-is-member', 'ECAF-PLAN-001', E.ICS_ERR_ECAF_INVALID, EPISODES),
  'progress-by-member': r('progress-by-member', 'ECAF-EXCH-005', E.ICS_ERR_ECAF_INVALID, EXCHANGE),
  'closure-with-status': r('closure-with-status', 'ECAF-EXCH-005', E.ICS_ERR_ECAF_INVALID, EXCHANGE),
  'closure-follows-referral': r('referred-to-social-care', 'ECAF-LIFE-002', E.ICS_ERR_ECAF_INVALID, EXCHANGE),
  // A local system that sends an episode without consent covering its TAC broke ECAF-OUT-002.
  'consent-captured': r('consent-captured', 'ECAF-EXCH-001', E.ICS_ERR_CONSENT_REQUIRED, TRANSFER, 'ECAF-OUT-002'),
  'tac-consent-covers-agency': r('consent-covers-agency', 'ECAF-CONSENT-002', E.ICS_ERR_CONSENT_REQUIRED, CONSENT, 'ECAF-OUT-002'),
  // Releasing a held episode before its consent is recorded: the system skipped ECAF-MIG-003's capture.
  'held-consent-captured': r('consent-captured', 'ECAF-EXCH-004', E.ICS_ERR_HELD_FOR_CONSENT, HELD, 'ECAF-MIG-003'),
  'held-consent-covers-agency': r('consent-covers-agency', 'ECAF-EXCH-004', E.ICS_ERR_HELD_FOR_CONSENT, HELD, 'ECAF-MIG-003'),
  // ---- access (ecaf.ts): checked in this order before a step's own rules
  'episode-exists': r('episode-exists', 'ECAF-ACCESS-001', P.ICS_ERR_HTTP_NOT_FOUND, CONSENT),
  'tac-member': r('tac-member', 'ECAF-ACCESS-001', E.ICS_ERR_NOT_TAC_MEMBER, CONSENT),
  'consent-in-force': r('consent-in-force', 'ECAF-CONSENT-003', E.ICS_ERR_CONSENT_REQUIRED, CONSENT),
  'consent-covers-information': r('consent-covers-information', 'ECAF-CONSENT-005', E.ICS_ERR_CONSENT_REQUIRED, CONSENT),
  'episode-open': r('episode-open', 'ECAF-LIFE-001', E.ICS_ERR_LIFECYCLE, LIFECYCLE),
  // ---- the steps (ecaf.ts)
  'open-consent-covers-agency': r('consent-covers-agency', 'ECAF-CONSENT-001', E.ICS_ERR_CONSENT_REQUIRED, `${DOC}#opening-an-episode`),
  'consent-exists': r('consent-exists', 'ECAF-CONSENT-004', P.ICS_ERR_HTTP_NOT_FOUND, CONSENT),
  'withdrawn-once': r('consent-in-force', 'ECAF-CONSENT-004', E.ICS_ERR_LIFECYCLE, CONSENT),
  'member-once': r('member-once', 'ECAF-TAC-001', E.ICS_ERR_LIFECYCLE, EPISODES),
  'member-consent-covers-agency': r('consent-covers-agency', 'ECAF-CONSENT-002', E.ICS_ERR_CONSENT_REQUIRED, CONSENT),
  'removed-member': r('tac-member', 'ECAF-TAC-005', P.ICS_ERR_HTTP_NOT_FOUND, EPISODES),
  'lead-removes-members': r('lead-removes-members', 'ECAF-TAC-005', E.ICS_ERR_TAC_ROLE, EPISODES),
  'lead-professional-stays': r('lead-professional-stays', 'ECAF-TAC-003', E.ICS_ERR_LIFECYCLE, EPISODES),
  'last-member': r('last-member', 'ECAF-TAC-003', E.ICS_ERR_LIFECYCLE, EPISODES),
  'action-exists': r('action-exists', 'ECAF-PLAN-002', P.ICS_ERR_HTTP_NOT_FOUND, LIFECYCLE),
  'action-owner': r('action-owner', 'ECAF-PLAN-002', E.ICS_ERR_TAC_ROLE, LIFECYCLE),
  'recipient-tac-member': r('recipient-tac-member', 'ECAF-MSG-001', E.ICS_ERR_ECAF_INVALID, CONSENT),
  'recipient-consent-covers-agency': r('consent-covers-agency', 'ECAF-MSG-001', E.ICS_ERR_CONSENT_REQUIRED, CONSENT),
  'not-with-social-care': r('not-with-social-care', 'ECAF-STEP-001', E.ICS_ERR_LIFECYCLE, STEPS),
  'referral-social-care-role': r('social-care-role', 'ECAF-STEP-001', E.ICS_ERR_ECAF_INVALID, STEPS),
  'responsibility-social-care-member': r('social-care-member', 'ECAF-STEP-002', E.ICS_ERR_TAC_ROLE, STEPS),
  'referred-to-social-care': r('referred-to-social-care', 'ECAF-STEP-002', E.ICS_ERR_LIFECYCLE, STEPS),
  'step-down-social-care-member': r('social-care-member', 'ECAF-STEP-003', E.ICS_ERR_TAC_ROLE, STEPS),
  'with-social-care': r('with-social-care', 'ECAF-STEP-003', E.ICS_ERR_LIFECYCLE, STEPS),
  'lead-stays': r('lead-stays', 'ECAF-STEP-003', E.ICS_ERR_ECAF_INVALID, STEPS),
  'close-after-referral': r('referred-to-social-care', 'ECAF-LIFE-002', E.ICS_ERR_LIFECYCLE, CLOSING),
  'episode-closed': r('episode-closed', 'ECAF-LIFE-004', E.ICS_ERR_LIFECYCLE, CLOSING),
  // ---- exchange with local systems (ecaf.ts)
  'message-id-unique': r('message-id-unique', 'ECAF-EXCH-001', CP.ICS_ERR_MESSAGE_ID_REUSED, TRANSFER),
  'local-ref-once': r('local-ref-once', 'ECAF-EXCH-005', E.ICS_ERR_LIFECYCLE, TRANSFER),
  'export-consent-in-force': r('consent-in-force', 'ECAF-EXCH-002', E.ICS_ERR_CONSENT_REQUIRED, `${DOC}#export-one-episode`),
  'own-hold': r('own-hold', 'ECAF-EXCH-004', CP.ICS_ERR_NOT_OWNER, HELD, 'SEC-ISO-001'),
  'hold-held': r('hold-held', 'ECAF-EXCH-004', E.ICS_ERR_LIFECYCLE, HELD),
} satisfies Record<string, RuleDef>;

export type EcafRuleId = keyof typeof ECAF_RULES;

/** National eCAF's rules; a refusal that mixes codes (dates and other rules) is ICS_ERR_ECAF_INVALID, as documented. */
export const ECAF = new RuleBook<EcafRuleId>('ecaf', ECAF_RULES, E.ICS_ERR_ECAF_INVALID);

/** Schema failures inside an ExchangeEpisode, by the part they are in (pointers relative to the episode). */
const EPISODE_PARTS: FieldRow[] = [
  { pointer: '/child/dateOfBirth', requirement: 'ECAF-EPISODE-002' },
  { pointer: '/child/**', requirement: 'ECAF-EPISODE-001' },
  { pointer: '/consents/**', requirement: 'ECAF-CONSENT-004' },
  { pointer: '/assessment/completedOn', requirement: 'ECAF-ASSESS-003' },
  { pointer: '/reviews/*/date', requirement: 'ECAF-REVIEW-002' },
  { pointer: '/tac/*/contact/**', requirement: 'ECAF-EPISODE-001' },
  { pointer: '/assessment/**', requirement: 'ECAF-ASSESS-001' },
  { pointer: '/deliveryPlan/**', requirement: 'ECAF-PLAN-001' },
  { pointer: '/reviews/**', requirement: 'ECAF-REVIEW-001' },
  { pointer: '/closure/**', requirement: 'ECAF-LIFE-002' },
];

/** A TransferRequest: the episode's parts, and the rest of the transfer (ECAF-EXCH-001). */
export const TRANSFER_FIELDS = new FieldTable([...fieldsUnder('/episode', EPISODE_PARTS), { pointer: '/**', requirement: 'ECAF-EXCH-001' }]);

/** One episode of a migration batch, validated on its own (its results carry /episodes/<index> in front). */
export const MIGRATION_EPISODE_FIELDS = new FieldTable([...EPISODE_PARTS, { pointer: '/**', requirement: 'ECAF-EXCH-003' }]);
