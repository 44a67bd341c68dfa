/**
 * JSON Schema is the single source for message shapes: TypeBox builds the schemas (and their
 * static TypeScript types), ajv validates against them, and the OpenAPI document embeds them.
 */
import { Type, type TSchema, type Static, type TUnion } from '@sinclair/typebox';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { isValidNhsNumber, isValidUpn, isValidUln, isValidPostcode, POSTCODE_PATTERN } from './identifiers/index.js';

export { Type, type TSchema, type Static };

/** Every object in a message is closed: unknown fields are refused, so no case content can ride along. */
export function Closed<T extends Parameters<typeof Type.Object>[0]>(properties: T, options: Parameters<typeof Type.Object>[1] = {}) {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

/**
 * oneOf with a discriminator, so ajv reports the failing branch only instead of every branch.
 */
export function Tagged<T extends TSchema[]>(propertyName: string, schemas: [...T], options: Record<string, unknown> = {}) {
  return Type.Unsafe<Static<TUnion<T>>>({ type: 'object', oneOf: schemas, discriminator: { propertyName }, ...options });
}

export const DateString = (opts: Record<string, unknown> = {}) => Type.String({ format: 'date', examples: ['2009-03-14'], ...opts });
export const DateTimeString = (opts: Record<string, unknown> = {}) =>
  Type.String({ format: 'date-time', examples: ['2009-11-02T09:30:00Z'], ...opts });
export const Uuid = (opts: Record<string, unknown> = {}) =>
  Type.String({ format: 'uuid', examples: ['3f2a4f9e-4b1c-4a53-9d3e-2f0f1c7a9b10'], ...opts });

export const NhsNumber = Type.String({
  format: 'nhs-number',
  pattern: '^[0-9]{10}$',
  description: 'NHS number: 10 digits, modulus 11 check digit. Synthetic data uses the 999 test range.',
  examples: ['9990000018'],
});
export const Upn = Type.String({
  format: 'upn',
  pattern: '^[A-HJ-NP-RT-Z][0-9]{11}[0-9A-HJ-NP-RT-Z]$',
  description: 'Unique Pupil Number: check letter + LA code + establishment + year + serial (a trailing letter marks a temporary UPN).',
  examples: ['H801200001001'],
});
export const Uln = Type.String({
  format: 'uln',
  pattern: '^[1-9][0-9]{9}$',
  description: 'Unique Learner Number: 10 digits, weights 10..1, sum mod 11 = 10.',
  examples: ['9276308686'],
});
export const Postcode = Type.String({
  format: 'postcode',
  pattern: POSTCODE_PATTERN,
  description: 'UK postcode (BS 7666 shape), upper case.',
  examples: ['SW1A 2AA'],
});

/** A string format's check: what ajv runs for `format: <name>`. */
export type FormatCheck = (value: string) => boolean;

/** The platform's formats; a service adds its own with registerFormats. */
const FORMATS = new Map<string, FormatCheck>([
  ['nhs-number', isValidNhsNumber],
  ['upn', isValidUpn],
  ['uln', isValidUln],
  ['postcode', isValidPostcode],
]);

let ajvInstance: Ajv2020 | undefined;

/**
 * Adds a service's string formats (ServiceModule.formats). A service's schema module calls it before
 * defining the schemas that use them, so whoever compiles such a schema (a test, the prepare worker)
 * has imported the format with it; ajv's strict mode refuses a format it does not know.
 */
export function registerFormats(formats: Readonly<Record<string, FormatCheck>>): void {
  for (const [name, check] of Object.entries(formats)) {
    const known = FORMATS.get(name);
    if (known === check) continue;
    if (known) throw new Error(`format "${name}" is registered twice, with different checks`);
    FORMATS.set(name, check);
    ajvInstance?.addFormat(name, { type: 'string', validate: check });
  }
}

/** One ajv for the process: every schema is compiled once and cached by reference. */
export function ajv(): Ajv2020 {
  if (ajvInstance) return ajvInstance;
  const a = new Ajv2020({
    allErrors: true,
    strict: true,
    strictTuples: false,
    discriminator: true,
    coerceTypes: false,
    useDefaults: false,
  });
  (addFormatsModule as unknown as (x: Ajv2020, f: string[]) => void)(a, ['date', 'date-time', 'email', 'uuid', 'uri']);
  for (const [name, validate] of FORMATS) a.addFormat(name, { type: 'string', validate });
  ajvInstance = a;
  return a;
}
