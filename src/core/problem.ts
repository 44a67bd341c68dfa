/** RFC 9457 problem details. Every refusal from the mocks is one of these. */
import { ERRORS, type ErrorCode } from './errors.js';

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
  code: ErrorCode;
  requirement?: string;
  errors?: ProblemItem[];
  [extra: string]: unknown;
}

export class ProblemError extends Error {
  readonly problem: Problem;
  readonly headers: Record<string, string>;
  constructor(
    code: ErrorCode,
    opts: { detail?: string; errors?: ProblemItem[]; requirement?: string; status?: number; headers?: Record<string, string>; extra?: Record<string, unknown> } = {},
  ) {
    const def = ERRORS[code];
    super(opts.detail ?? def.title);
    this.problem = {
      type: `/docs#${code.toLowerCase().replace(/_/g, '-')}`,
      title: def.title,
      status: opts.status ?? def.status,
      code,
      ...(opts.detail ? { detail: opts.detail } : {}),
      ...(opts.requirement ?? opts.errors?.[0]?.requirement ? { requirement: opts.requirement ?? opts.errors?.[0]?.requirement } : {}),
      ...(opts.errors ? { errors: opts.errors } : {}),
      ...(opts.extra ?? {}),
    };
    this.headers = opts.headers ?? {};
  }

  /** A problem made elsewhere (on a worker thread), to throw here as it was made. */
  static revive(problem: Problem, headers: Record<string, string> = {}): ProblemError {
    const err = new ProblemError(problem.code, { headers, ...(problem.detail ? { detail: problem.detail } : {}) });
    (err as { problem: Problem }).problem = problem;
    return err;
  }
}

/** Shorthand for one rule broken at one path. */
export function ruleError(code: ErrorCode, path: string, rule: string, requirement: string, message: string): ProblemError {
  return new ProblemError(code, { detail: message, errors: [{ path, rule, requirement, message }] });
}
