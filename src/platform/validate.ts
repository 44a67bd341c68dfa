/** ajv errors turned into problem items: JSON path, rule, requirement. */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { ajv, type TSchema } from './schema.js';
import { ProblemError, type ProblemItem } from './problem.js';
import type { FieldTable } from './rules.js';

const compiled = new WeakMap<TSchema, ValidateFunction>();

export function validator(schema: TSchema): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    v = ajv().compile(schema);
    compiled.set(schema, v);
  }
  return v;
}

function ruleOf(e: ErrorObject): string {
  if (e.keyword === 'format') return `format:${String(e.params.format)}`;
  if (e.keyword === 'additionalProperties') return 'unknown-field';
  return e.keyword;
}

function pathOf(e: ErrorObject): string {
  if (e.keyword === 'additionalProperties') return `${e.instancePath}/${String(e.params.additionalProperty)}`;
  if (e.keyword === 'required') return `${e.instancePath}/${String(e.params.missingProperty)}`;
  return e.instancePath;
}

function messageOf(e: ErrorObject): string {
  if (e.keyword === 'additionalProperties') return `unknown field "${String(e.params.additionalProperty)}" is not allowed`;
  if (e.keyword === 'required') return `missing required field "${String(e.params.missingProperty)}"`;
  if (e.keyword === 'format') return `must be a valid ${String(e.params.format)}`;
  if (e.keyword === 'enum') return `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  return e.message ?? e.keyword;
}

/**
 * `requirement`: the one requirement every failure cites, or the field table that gives each
 * failure the requirement of the field it is at (pointers relative to the body, before `prefix`).
 */
export function toProblemItems(errors: ErrorObject[] | null | undefined, requirement: string | FieldTable, prefix = ''): ProblemItem[] {
  const seen = new Set<string>();
  const items: ProblemItem[] = [];
  for (const e of errors ?? []) {
    const path = pathOf(e);
    const rule = ruleOf(e);
    const item = {
      path: prefix + path,
      rule,
      requirement: typeof requirement === 'string' ? requirement : requirement.requirementAt(path, rule),
      message: messageOf(e),
    };
    const key = `${item.path}|${item.rule}`;
    if (seen.has(key)) continue;
    seen.add(key);
    items.push(item);
  }
  return items;
}

/** Validates and throws a 422 problem naming every broken rule. */
export function assertValid<T>(schema: TSchema, value: unknown, requirement: string | FieldTable, prefix = ''): T {
  const v = validator(schema);
  if (!v(value)) {
    const errors = toProblemItems(v.errors, requirement, prefix);
    throw new ProblemError('ICS_ERR_VALIDATION', {
      detail: errors.map((e) => `${e.path || '/'}: ${e.message}`).join('; '),
      errors,
    });
  }
  return value as T;
}
