/**
 * National eCAF's rules beyond the schema, as pure functions over the messages: each returns the
 * problems it finds (path, rule, requirement), so one refusal can name every broken rule.
 */
import type { Finding } from '../../../src/platform/rules.js';
import { ECAF, type EcafRuleId } from '../rules.js';
import { ageOn } from '../../../src/platform/clock.js';
import { findCaseContent } from '../../contactpoint/domain/case-content.js';
import type { ChildIdentity, PractitionerContact } from '../../../src/platform/schemas/common.js';
import { SOCIAL_CARE_ROLES, type Agency, type AssessmentInput, type ConsentInput, type ReviewInput, type TacRole } from '../schemas.js';

const item = (path: string, id: EcafRuleId, message: string): Finding<EcafRuleId> => ECAF.finding(id, path, message);

/** ECAF-EPISODE-002: a CAF is about a child: born, and (while the episode is open) under 18. */
export function checkChild(child: ChildIdentity, today: string, path: string, open: boolean): Array<Finding<EcafRuleId>> {
  if (child.dateOfBirth > today) return [item(`${path}/dateOfBirth`, 'born', `date of birth ${child.dateOfBirth} is after today (${today})`)];
  const age = ageOn(child.dateOfBirth, today);
  if (open && age >= 18)
    return [item(`${path}/dateOfBirth`, 'under-18', `the child is ${age} on ${today}: an open CAF episode is for a child under 18`)];
  return [];
}

/** ECAF-ASSESS-002/003: each element once, with strengths or needs; dates between birth and today. */
export function checkAssessment(a: AssessmentInput, child: ChildIdentity, today: string, path: string): Array<Finding<EcafRuleId>> {
  const out: Array<Finding<EcafRuleId>> = [];
  if (a.completedOn > today)
    out.push(item(`${path}/completedOn`, 'assessment-not-in-future', `completed on ${a.completedOn}, after today (${today})`));
  if (a.completedOn < child.dateOfBirth) out.push(item(`${path}/completedOn`, 'assessment-after-birth', 'completed before the child was born'));
  const seen = new Set<string>();
  a.elements.forEach((e, i) => {
    const key = `${e.domain}/${e.element}`;
    if (seen.has(key)) out.push(item(`${path}/elements/${i}/element`, 'element-once', `"${e.element}" (${e.domain}) appears more than once`));
    seen.add(key);
    if (!e.strengths && !e.needs) out.push(item(`${path}/elements/${i}`, 'strengths-or-needs', `"${e.element}" has neither strengths nor needs`));
  });
  return out;
}

/** ECAF-CONSENT-004: given by today; each agency named once. */
export function checkConsent(c: ConsentInput, today: string, path: string): Array<Finding<EcafRuleId>> {
  const out: Array<Finding<EcafRuleId>> = [];
  if (c.givenOn > today) out.push(item(`${path}/givenOn`, 'consent-not-in-future', `consent given on ${c.givenOn}, after today (${today})`));
  const seen = new Set<string>();
  c.sharing.forEach((s, i) => {
    if (seen.has(s.agency)) out.push(item(`${path}/sharing/${i}/agency`, 'agency-once', `agency "${s.agency}" is named more than once`));
    seen.add(s.agency);
  });
  return out;
}

export function checkWithdrawal(withdrawnOn: string, givenOn: string, today: string, path: string): Array<Finding<EcafRuleId>> {
  if (withdrawnOn > today) return [item(path, 'consent-not-in-future', `withdrawn on ${withdrawnOn}, after today (${today})`)];
  if (withdrawnOn < givenOn) return [item(path, 'withdrawal-after-given', `withdrawn on ${withdrawnOn}, before consent was given (${givenOn})`)];
  return [];
}

/** ECAF-REVIEW-002: the review has happened; the next one comes after it. */
export function checkReview(r: ReviewInput, today: string, path: string): Array<Finding<EcafRuleId>> {
  const out: Array<Finding<EcafRuleId>> = [];
  if (r.date > today) out.push(item(`${path}/date`, 'review-not-in-future', `review dated ${r.date}, after today (${today})`));
  if (r.outcome.kind === 'next-review' && r.outcome.nextReviewOn <= r.date)
    out.push(item(`${path}/outcome/nextReviewOn`, 'next-after-review', `next review ${r.outcome.nextReviewOn} is not after this review (${r.date})`));
  return out;
}

/** ECAF-TAC-002/004: social-care roles belong to children's social care; contact details carry no case information. */
export function checkMember(m: { contact: PractitionerContact; agency: Agency; role: TacRole }, path: string): Array<Finding<EcafRuleId>> {
  const out: Array<Finding<EcafRuleId>> = [];
  if (SOCIAL_CARE_ROLES.includes(m.role) && m.agency !== 'childrens-social-care')
    out.push(item(`${path}/agency`, 'social-care-role', `a ${m.role} comes from childrens-social-care, not ${m.agency}`));
  const texts: Array<[string, string | undefined]> =
    m.contact.kind === 'practitioner'
      ? [
          [`${path}/contact/role`, m.contact.role],
          [`${path}/contact/organisation`, m.contact.organisation],
        ]
      : [
          [`${path}/contact/teamName`, m.contact.teamName],
          [`${path}/contact/organisation`, m.contact.organisation],
        ];
  // The assessor's contact goes to ContactPoint, which holds whom to contact and never why.
  for (const f of findCaseContent(texts))
    out.push(item(f.path, 'case-information', `case information ("${f.term}") is not allowed in contact details`));
  return out;
}

/** Throws one refusal naming every finding (its code from the rules table: ICS_ERR_DATES when every one is a date rule). */
export function throwIfAny(findings: ReadonlyArray<Finding<EcafRuleId>>): void {
  ECAF.throwIfAny(findings);
}
