import { UPN_LETTERS } from '../../src/platform/identifiers/index.js';
import { registerFormats, Type } from '../../src/platform/schema.js';

/**
 * ContactPoint ID (this project's design; the real format was never published):
 * "CP" + 9 digits + a check letter. The check letter is sum(digit_i * (i + 2)) mod 23,
 * mapped through the UPN letter table. 23 is prime and every weight is below it, so any
 * single wrong digit and any swap of two adjacent digits changes the letter.
 * See docs/decisions/0003-contactpoint-id.md.
 * @example isValidContactPointId('CP000000001L') // true: 1 x weight 10 = 10 -> L
 */
export function contactPointCheckLetter(digits: string): string | undefined {
  if (!/^\d{9}$/.test(digits)) return undefined;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(digits[i]) * (i + 2);
  return UPN_LETTERS[sum % 23];
}

export function isValidContactPointId(value: string): boolean {
  const m = /^CP(\d{9})([A-Z])$/.exec(value);
  return m !== null && contactPointCheckLetter(m[1]!) === m[2];
}

/** Builds the ID for a serial number (1-based, up to 999,999,999). */
export function makeContactPointId(serial: number): string {
  // Outside this range the digits are not 9 and the check letter would be undefined.
  if (!Number.isInteger(serial) || serial < 1 || serial > 999_999_999) throw new RangeError(`ContactPoint serial out of range: ${serial}`);
  // contactPointCheckLetter's sum, from the number's digits (last digit weight 10): one per message, so no string work.
  let sum = 0;
  for (let n = serial, w = 10; n > 0; n = Math.floor(n / 10), w--) sum += (n % 10) * w;
  return `CP${String(serial).padStart(9, '0')}${UPN_LETTERS[sum % 23]!}`;
}

/** ContactPoint's string formats (its ServiceModule's), registered here so the schema below never meets an ajv without it. */
export const CONTACTPOINT_FORMATS = { 'contactpoint-id': isValidContactPointId };
registerFormats(CONTACTPOINT_FORMATS);

/** Not among ./schemas.js's exports: OpenAPI names those, and this one has always been inline. */
export const ContactPointId = Type.String({
  format: 'contactpoint-id',
  pattern: '^CP[0-9]{9}[A-Z]$',
  description: 'ContactPoint ID: "CP", 9 digits and a mod-23 check letter (docs/decisions/0003-contactpoint-id.md).',
  examples: ['CP000000001L'],
});
