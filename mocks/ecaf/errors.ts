/**
 * National eCAF's own problem codes: those of the rules in ./rules.ts. Dates, a reused message ID and
 * another system's record are ContactPoint's codes (../contactpoint/errors.ts): they mean the same
 * here. mocks/rules.ts merges every service's codes into the one catalogue docs/errors.md lists.
 */
import { defineErrors } from '../../src/platform/errors.js';

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
