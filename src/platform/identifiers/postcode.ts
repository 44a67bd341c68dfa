/** BS 7666 postcode shape (domain notes). Case-sensitive: postcodes are sent upper-case. */
export const POSTCODE_PATTERN =
  '^([A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]) ?[0-9][ABD-HJLNP-UWXYZ]{2}$';
const POSTCODE_RE = new RegExp(POSTCODE_PATTERN);

/** @example isValidPostcode('SW1A 2AA') // true */
export function isValidPostcode(value: string): boolean {
  return POSTCODE_RE.test(value);
}

/** Canonical form for matching: upper-case, one space before the inward code. */
export function normalisePostcode(value: string): string {
  const compact = value.toUpperCase().replace(/\s+/g, '');
  return compact.length > 3 ? `${compact.slice(0, -3)} ${compact.slice(-3)}` : compact;
}
