/**
 * ContactPoint's own problem codes: those of the rules in ./rules.ts. National eCAF reuses the ones
 * that mean the same there (dates, a reused message ID, another system's record). mocks/rules.ts merges
 * them into the one catalogue docs/errors.md lists.
 */
import { defineErrors } from '../../src/platform/errors.js';

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
