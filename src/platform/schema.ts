/**
 * JSON Schema is the single source for message shapes: TypeBox builds the schemas (and their
 * static TypeScript types), ajv validates against them, and the OpenAPI document embeds them.
 */
import { Type, type TSchema, type Static, type TUnion } from '@sinclair/typebox';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { isValidNhsNumber, isValidUpn, isValidUln, isValidPostcode, isValidContactPointId, POSTCODE_PATTERN } from './identifiers/index.js';

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
export const ContactPointId = Type.String({
  format: 'contactpoint-id',
  pattern: '^CP[0-9]{9}[A-Z]$',
  description: 'ContactPoint ID: "CP", 9 digits and a mod-23 check letter (docs/decisions/0003-contactpoint-id.md).',
  examples: ['CP000000001L'],
});

let ajvInstance: Ajv2020 | undefined;

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
  a.addFormat('nhs-number', { type: 'string', validate: isValidNhsNumber });
  a.addFormat('upn', { type: 'string', validate: isValidUpn });
  a.addFormat('uln', { type: 'string', validate: isValidUln });
  a.addFormat('postcode', { type: 'string', validate: isValidPostcode });
  a.addFormat('contactpoint-id', { type: 'string', validate: isValidContactPointId });
  ajvInstance = a;
  return a;
}
