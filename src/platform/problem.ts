/** RFC 9457 problem details. Every refusal from the mocks is one of these. */
import { PLATFORM_ERRORS, type ErrorDef, type PlatformErrorCode } from './errors.js';
import type { CoreResponse } from './http.js';

export interface ProblemItem {
  /** JSON pointer into the request body (or "header:Name", "query:name"). */
  path: string;
  /** The rule broken, e.g. "required", "format:nhs-number", "case-information". */
  rule: string;
  /** The requirement in the catalogue that the rule enforces. */
  requirement: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  /** A platform code (src/platform/errors.ts) or a service's (mocks/<service>/errors.ts): the catalogue in mocks/rules.ts lists both. */
  code: string;
  requirement?: string;
  errors?: ProblemItem[];
  [extra: string]: unknown;
}

/**
 * Problem items listed in one answer; the rest are counted in `errorsOmitted`. A client that sends
 * 20,000 bad items would otherwise get a 12 MB answer (and the journal a 12 MB entry).
 */
export const MAX_PROBLEM_ITEMS = 100;

/** A detail longer than this (every error joined) is cut, with an ellipsis. */
export const MAX_DETAIL_CHARS = 2_000;

const cutDetail = (d: string) => (d.length > MAX_DETAIL_CHARS ? `${d.slice(0, MAX_DETAIL_CHARS)}…` : d);

/** The errors list cut to MAX_PROBLEM_ITEMS, with the count of those left out. */
function capped(errors: ProblemItem[] | undefined): { errors?: ProblemItem[]; errorsOmitted?: number } {
  if (!errors) return {};
  if (errors.length <= MAX_PROBLEM_ITEMS) return { errors };
  return { errors: errors.slice(0, MAX_PROBLEM_ITEMS), errorsOmitted: errors.length - MAX_PROBLEM_ITEMS };
}

const requirementOf = (requirement: string | undefined): { requirement?: string } => (requirement ? { requirement } : {});

export class ProblemError extends Error {
  readonly problem: Problem;
  readonly headers: Record<string, string>;
  /** `error`: a platform code by name, or a service's code as its definition (services raise through their rules: src/platform/rules.ts). */
  constructor(
    error: PlatformErrorCode | ErrorDef,
    opts: {
      detail?: string;
      errors?: ProblemItem[];
      requirement?: string;
      status?: number;
      headers?: Record<string, string>;
      extra?: Record<string, unknown>;
    } = {},
  ) {
    const def: ErrorDef = typeof error === 'string' ? PLATFORM_ERRORS[error] : error;
    super(opts.detail ?? def.title);
    this.problem = {
      type: problemType(def.code),
      title: def.title,
      status: opts.status ?? def.status,
      code: def.code,
      ...(opts.detail ? { detail: cutDetail(opts.detail) } : {}),
      ...requirementOf(opts.requirement ?? opts.errors?.[0]?.requirement),
      ...capped(opts.errors),
      ...(opts.extra ?? {}),
    };
    this.headers = opts.headers ?? {};
  }

  /** A problem made elsewhere (on a worker thread), to throw here as it was made. */
  static revive(problem: Problem, headers: Record<string, string> = {}): ProblemError {
    const err = new ProblemError(
      { code: problem.code, status: problem.status, title: problem.title },
      { headers, ...(problem.detail ? { detail: problem.detail } : {}) },
    );
    const big = (problem.errors?.length ?? 0) > MAX_PROBLEM_ITEMS || (problem.detail?.length ?? 0) > MAX_DETAIL_CHARS;
    (err as { problem: Problem }).problem = big
      ? { ...problem, ...capped(problem.errors), ...(problem.detail ? { detail: cutDetail(problem.detail) } : {}) }
      : problem;
    return err;
  }
}

/** The docs anchor a problem's `type` links to (docs/errors.md and GET /docs). */
export function problemType(code: string): string {
  return `/docs#${code.toLowerCase().replace(/_/g, '-')}`;
}

/** A problem as the response that carries it (problem+json). */
export function problemResponse(problem: Problem, headers: Record<string, string> = {}): CoreResponse {
  return { status: problem.status, headers: { ...headers, 'content-type': 'application/problem+json' }, body: problem };
}
