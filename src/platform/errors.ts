/**
 * The platform's own problem codes: those any operation of any service can answer (request shape,
 * credentials, schema, faults, internal errors). Each service keeps the codes of its own rules beside
 * its rules table (mocks/<service>/errors.ts); mocks/rules.ts merges them all into the one catalogue that
 * docs/errors.md and GET /docs list (a test keeps them in step). Each title says how to fix it.
 */

/** One problem code: what ProblemError answers with. */
export interface ErrorDef<C extends string = string> {
  readonly code: C;
  readonly status: number;
  readonly title: string;
}

/** A table of codes, each carrying its own name, so code is never joined to its definition by a string. */
export function defineErrors<T extends Record<string, { status: number; title: string }>>(
  defs: T,
): { readonly [K in keyof T & string]: ErrorDef<K> } {
  return Object.fromEntries(Object.entries(defs).map(([code, d]) => [code, { code, status: d.status, title: d.title }])) as {
    readonly [K in keyof T & string]: ErrorDef<K>;
  };
}

export const PLATFORM_ERRORS = defineErrors({
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
  ICS_ERR_AUTH_MISSING: {
    status: 401,
    title: 'No credentials. Send Authorization: Bearer <token> as registered for your system (and its client certificate when mutual TLS is on).',
  },
  ICS_ERR_AUTH_INVALID: { status: 401, title: 'Unknown or revoked credentials.' },
  ICS_ERR_AUTH_FORBIDDEN: { status: 403, title: 'Your system is not permitted this operation, or its client certificate names another system.' },
  ICS_ERR_PRACTITIONER_MISSING: {
    status: 400,
    title: "Practitioner operations must carry the practitioner's identity in the Practitioner-Id header.",
  },
  ICS_ERR_SESSION_NOT_FOUND: { status: 404, title: 'No such session. Create one with POST /control/v1/sessions.' },
  ICS_ERR_STORAGE_FULL: { status: 503, title: "The mock's disk is full. Nothing was stored; retry after the Retry-After header." },
  ICS_ERR_FAULT_INJECTED: { status: 503, title: 'A fault injected by the harness. Retry as the Retry-After header says.' },
  ICS_ERR_RATE_LIMITED: { status: 429, title: 'Too many requests (injected). Retry after the Retry-After header.' },
  ICS_ERR_INTERNAL: { status: 500, title: 'Internal error in the mock. Please report it with the request journal entry.' },
});

export type PlatformErrorCode = keyof typeof PLATFORM_ERRORS;
