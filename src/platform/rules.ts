/**
 * Rules as data (docs/decisions/0020). A service describes every rule it enforces once, as a row of
 * its rules table: the rule's name as problems show it, the requirement it enforces, its problem
 * code and status, and where the interface specification states it. Domain code raises a rule by
 * its key in the table and never names a code or a requirement itself; the problem+json is built
 * here. Schema failures are mapped to requirements the same way, by JSON pointer, through a field
 * table kept beside the rules. Nothing here knows any service.
 */
import type { ErrorDef } from './errors.js';
import { ProblemError, type ProblemItem } from './problem.js';

export interface RuleDef {
  /** The rule's name in `errors[].rule`. Two rows may share one: the same check under two requirements or codes. */
  readonly rule: string;
  /** The requirement the rule enforces: `errors[].requirement`, and the problem's own when it comes first. */
  readonly requirement: string;
  readonly error: ErrorDef;
  /** The HTTP status of a refusal under this rule (its code's status; a test keeps them equal). */
  readonly status: number;
  /** Where the interface specification states the rule for vendors: `docs/<page>.md#<anchor>`. */
  readonly anchor: string;
  /**
   * The requirement on the vendor's system that a refusal under this rule shows broken, when it is
   * not `requirement` itself (a service rule such as ECAF-CONSENT-002 refusing a transfer shows
   * ECAF-OUT-002 broken). The engine reads it through mocks/rules.ts.
   */
  readonly breaks?: string;
}

/**
 * A requirement a service enforces on whoever calls it (the catalogue's `appliesTo: 'service'`),
 * declared beside the rules that cite it: the harness's catalogue merges every service's.
 */
export interface ServiceRequirement {
  readonly id: string;
  readonly statement: string;
  /** Where it comes from: a section of the guidance and its words, or a note of this project's. */
  readonly source: { section: string; quote: string } | { domainNotes: string };
  /** This project's tests that show the service enforcing it. */
  readonly verifiedBy: readonly string[];
}

/** A rule broken at a path: plain data, so it can cross a thread (decision 0009). `id` is the rule's key in its table. */
export interface Finding<K extends string = string> {
  id: K;
  path: string;
  message: string;
}

/** How a refusal naming rules with different codes is coded: the first rule's code, or one code for any mix. */
export type MixedRefusal = 'first' | ErrorDef;

/** A service's rules table, and the refusals it builds. */
export class RuleBook<K extends string> {
  constructor(
    readonly service: string,
    readonly rules: Readonly<Record<K, RuleDef>>,
    private readonly mixed: MixedRefusal,
  ) {}

  /** The problem item for one finding. */
  item(id: K, path: string, message: string): ProblemItem {
    const r = this.rules[id];
    return { path, rule: r.rule, requirement: r.requirement, message };
  }

  finding(id: K, path: string, message: string): Finding<K> {
    return { id, path, message };
  }

  /** One rule broken at one path: its code, its status, its requirement. */
  raise(id: K, path: string, message: string, opts: { detail?: string; headers?: Record<string, string> } = {}): ProblemError {
    const r = this.rules[id];
    return new ProblemError(r.error, {
      status: r.status,
      detail: opts.detail ?? message,
      errors: [this.item(id, path, message)],
      ...(opts.headers ? { headers: opts.headers } : {}),
    });
  }

  /** One refusal naming every rule broken. Its code is theirs when they agree (else as `mixed` says); its requirement the first's. */
  refuse(findings: ReadonlyArray<Finding<K>>, opts: { detail?: string } = {}): ProblemError {
    if (findings.length === 0) throw new Error(`${this.service}: a refusal needs at least one finding`);
    const rows = findings.map((f) => this.rules[f.id]);
    const first = rows[0]!;
    const agree = rows.every((r) => r.error.code === first.error.code);
    const error = agree || this.mixed === 'first' ? first.error : this.mixed;
    const status = error === first.error ? first.status : error.status;
    return new ProblemError(error, {
      status,
      detail: opts.detail ?? findings.map((f) => `${f.path}: ${f.message}`).join('; '),
      errors: findings.map((f) => this.item(f.id, f.path, f.message)),
    });
  }

  throwIfAny(findings: ReadonlyArray<Finding<K>>): void {
    if (findings.length > 0) throw this.refuse(findings);
  }
}

/**
 * One row of a field table: schema failures at JSON pointers matching `pointer` (and, when given,
 * of the schema rule `rule`, e.g. "unknown-field") cite `requirement`. Pointers are JSON pointers
 * with `*` for one segment and `**` for any number, none included.
 */
export interface FieldRow {
  readonly pointer: string;
  readonly rule?: string;
  readonly requirement: string;
}

/**
 * Which requirement a schema failure at a JSON pointer breaks. Rows are tried in order, most
 * specific first; the last must be the whole body (`/**`, any rule), so every pointer has a row and
 * no requirement is ever made up by a fallback elsewhere.
 */
export class FieldTable {
  private readonly compiled: Array<{ row: FieldRow; regex: RegExp }>;

  constructor(readonly rows: readonly FieldRow[]) {
    const last = rows[rows.length - 1];
    if (!last || last.pointer !== '/**' || last.rule !== undefined)
      throw new Error('a field table ends with the whole body: { pointer: "/**", requirement }');
    this.compiled = rows.map((row) => ({ row, regex: pointerPattern(row.pointer) }));
  }

  /** The requirement for a failure of schema rule `rule` at `pointer` (relative to the body the table describes). */
  requirementAt(pointer: string, rule: string): string {
    return this.rowAt(pointer, rule).requirement;
  }

  /** The row that decides it (for tests that show every row reached). */
  rowAt(pointer: string, rule: string): FieldRow {
    for (const { row, regex } of this.compiled) if ((row.rule === undefined || row.rule === rule) && regex.test(pointer)) return row;
    // Unreachable: the constructor makes the last row match every pointer.
    throw new Error(`no field row for ${pointer}`);
  }
}

/** The rows of a table for a part of a body found at `prefix` (an ExchangeEpisode inside a transfer). */
export function fieldsUnder(prefix: string, rows: readonly FieldRow[]): FieldRow[] {
  return rows.map((r) => ({ ...r, pointer: r.pointer === '/**' ? `${prefix}/**` : prefix + r.pointer }));
}

function pointerPattern(pointer: string): RegExp {
  const src = pointer
    .split('/')
    .slice(1)
    .map((seg) => (seg === '**' ? '(?:/[^/]*)*' : seg === '*' ? '/[^/]*' : `/${seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))
    .join('');
  return new RegExp(`^${src}$`);
}
