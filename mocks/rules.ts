/**
 * The one catalogue of problem codes and rules across the platform and every service
 * (docs/decisions/0020): what docs/errors.md and GET /docs list, and what the conformance engine
 * reads to tell which requirement on a vendor's system a refusal shows broken.
 *
 * @example
 * import { requirementForProblem } from 'ics-conformance';
 * requirementForProblem('contactpoint', { code: 'ICS_ERR_SENSITIVE_BASIS', errors: [...] }); // 'CP-FEED-006'
 */
import { PLATFORM_ERRORS, type ErrorDef } from '../src/platform/errors.js';
import type { ProblemItem } from '../src/platform/problem.js';
import type { RuleDef } from '../src/platform/rules.js';
import { CONTACTPOINT_ERRORS, CONTACTPOINT_RULES } from './contactpoint/rules.js';
import { ECAF_ERRORS, ECAF_RULES } from './ecaf/rules.js';

export type Service = 'contactpoint' | 'ecaf';

function merge<T extends Record<string, ErrorDef>>(...tables: T[]): T {
  const out: Record<string, ErrorDef> = {};
  for (const t of tables)
    for (const [code, def] of Object.entries(t)) {
      if (out[code]) throw new Error(`problem code ${code} is defined twice`);
      out[code] = def;
    }
  return out as T;
}

/** Every problem code: the platform's and each service's. */
export const ERRORS = merge<Record<string, ErrorDef>>(PLATFORM_ERRORS, CONTACTPOINT_ERRORS, ECAF_ERRORS) as typeof PLATFORM_ERRORS &
  typeof CONTACTPOINT_ERRORS &
  typeof ECAF_ERRORS;
export type ErrorCode = keyof typeof ERRORS;

/** Every rule of every service, with its key in its service's table. */
export const RULES: ReadonlyArray<RuleDef & { service: Service; id: string }> = [
  ...Object.entries(CONTACTPOINT_RULES).map(([id, r]) => ({ ...r, service: 'contactpoint' as const, id })),
  ...Object.entries(ECAF_RULES).map(([id, r]) => ({ ...r, service: 'ecaf' as const, id })),
];

/** The one value every candidate agrees on, else undefined. */
function only(values: Array<string | undefined>): string | undefined {
  const set = new Set(values.filter((v): v is string => v !== undefined));
  return set.size === 1 ? [...set][0] : undefined;
}

/**
 * The requirement on the vendor's system that a refusal with this code shows broken, when the code
 * alone says which (ICS_ERR_SENSITIVE_BASIS: CP-FEED-006; ICS_ERR_CONSENT_REQUIRED from National
 * eCAF: ECAF-OUT-002); undefined when its rules break different ones (ICS_ERR_DATES) or none.
 */
export function requirementForCode(service: Service, code: string): string | undefined {
  return only(RULES.filter((r) => r.service === service && r.error.code === code).map((r) => r.breaks));
}

/**
 * The requirement on the vendor's system that one problem item shows broken: its rule's `breaks`,
 * found by rule name and requirement; else undefined (a schema failure: the item's own requirement
 * is its field's, see the field tables).
 */
export function requirementForItem(service: Service, item: Pick<ProblemItem, 'rule' | 'requirement'>): string | undefined {
  return only(RULES.filter((r) => r.service === service && r.rule === item.rule && r.requirement === item.requirement).map((r) => r.breaks));
}

/**
 * A whole refusal: by its first item when it has one (the item's rule decides, so a practitioner's
 * ICS_ERR_CONSENT_REQUIRED under ECAF-CONSENT-003 is no vendor's ECAF-OUT-002), else by its code.
 */
export function requirementForProblem(
  service: Service,
  problem: { code?: string; errors?: ReadonlyArray<Pick<ProblemItem, 'rule' | 'requirement'>> },
): string | undefined {
  const first = problem.errors?.[0];
  if (first) return requirementForItem(service, first);
  return problem.code ? requirementForCode(service, problem.code) : undefined;
}
