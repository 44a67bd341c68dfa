/**
 * The catalogue of every problem the mocks and the harness report. Each code has a title that says
 * how to fix it; docs/errors.md lists the same codes (a test keeps the two in step).
 */
export const ERRORS = {
  ICS_ERR_HTTP_NOT_FOUND: { status: 404, title: 'No such resource. Check the path against GET /openapi.json.' },
  ICS_ERR_HTTP_METHOD: { status: 405, title: 'Method not allowed on this path. See the Allow header.' },
  ICS_ERR_HTTP_MEDIA_TYPE: { status: 415, title: 'Unsupported content type. Send the Content-Type the operation documents.' },
  ICS_ERR_HTTP_TOO_LARGE: { status: 413, title: 'Body over the documented size limit. Split it or use the bulk feed.' },
  ICS_ERR_HTTP_BAD_REQUEST: { status: 400, title: 'The request is not well-formed HTTP/1.1. Check the request line, headers and chunked framing.' },
  ICS_ERR_HTTP_HEADERS_TOO_LARGE: { status: 431, title: 'The request head is over 16 KiB. Send fewer or shorter headers.' },
  ICS_ERR_HTTP_TIMEOUT: { status: 408, title: 'The request did not arrive in time. Send the whole request promptly; nothing was stored.' },
  ICS_ERR_HTTP_INCOMPLETE: { status: 400, title: 'The request ended before its body did. Nothing was stored; send the message again.' },
  ICS_ERR_HTTP_MALFORMED_JSON: { status: 400, title: 'The body is not well-formed JSON.' },
  ICS_ERR_HTTP_TOO_DEEP: { status: 400, title: 'The body nests deeper than the limit. Messages are shallow by design.' },
  ICS_ERR_HTTP_FORBIDDEN_KEY: { status: 400, title: 'The body uses a reserved key (__proto__, constructor, prototype).' },
  ICS_ERR_VALIDATION: { status: 422, title: 'The message breaks its schema. Each error names the JSON path and the rule.' },
  ICS_ERR_AUTH_MISSING: { status: 401, title: 'No credentials. Send Authorization: Bearer <token> as registered for your system (and its client certificate when mutual TLS is on).' },
  ICS_ERR_AUTH_INVALID: { status: 401, title: 'Unknown or revoked credentials.' },
  ICS_ERR_AUTH_FORBIDDEN: { status: 403, title: 'Your system is not permitted this operation, or its client certificate names another system.' },
  ICS_ERR_PRACTITIONER_MISSING: { status: 400, title: 'Practitioner operations must carry the practitioner\'s identity in the Practitioner-Id header.' },
  ICS_ERR_CASE_INFORMATION: { status: 422, title: 'The message carries case information. ContactPoint holds who is involved, never why.' },
  ICS_ERR_AGE_LIMIT: { status: 422, title: 'The child is 18 or over on the message date: the record belongs in the archive.' },
  ICS_ERR_SENSITIVE_BASIS: { status: 422, title: 'A sensitive service needs a stated basis: consent, or significant harm suspected.' },
  ICS_ERR_DATES: { status: 422, title: 'Dates contradict each other: an end date before the start date, or a date of birth after the message date.' },
  ICS_ERR_MESSAGE_ID_REUSED: { status: 409, title: 'This message ID was already used for a different message. A retry must resend the same message.' },
  ICS_ERR_DELETE_NOT_ALLOWED: { status: 409, title: 'Involvements are never deleted: send the end date instead.' },
  ICS_ERR_NOT_OWNER: { status: 404, title: 'No such record for your system. A source system sees only its own records.' },
  ICS_ERR_SESSION_NOT_FOUND: { status: 404, title: 'No such session. Create one with POST /control/v1/sessions.' },
  ICS_ERR_REVIEW_STATE: { status: 409, title: 'The review item is already resolved.' },
  ICS_ERR_CONSENT_REQUIRED: { status: 403, title: 'No consent in force covers this access.' },
  ICS_ERR_NOT_TAC_MEMBER: { status: 403, title: 'Only members of the Team Around the Child may see or change this episode.' },
  ICS_ERR_LIFECYCLE: { status: 409, title: 'This step is not allowed in the episode\'s current state.' },
  ICS_ERR_HELD_FOR_CONSENT: { status: 409, title: 'The episode is held until consent is captured.' },
  ICS_ERR_TAC_ROLE: { status: 403, title: 'This step belongs to another TAC member or role (the rule says whose). Ask them, or the lead professional.' },
  ICS_ERR_ECAF_INVALID: { status: 422, title: 'The episode breaks a National eCAF rule. Each error names the JSON path, the rule and the requirement.' },
  ICS_ERR_STORAGE_FULL: { status: 503, title: 'The mock\'s disk is full. Nothing was stored; retry after the Retry-After header.' },
  ICS_ERR_FAULT_INJECTED: { status: 503, title: 'A fault injected by the harness. Retry as the Retry-After header says.' },
  ICS_ERR_RATE_LIMITED: { status: 429, title: 'Too many requests (injected). Retry after the Retry-After header.' },
  ICS_ERR_INTERNAL: { status: 500, title: 'Internal error in the mock. Please report it with the request journal entry.' },
} as const;

export type ErrorCode = keyof typeof ERRORS;
