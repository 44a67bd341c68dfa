/** NHS number: 10 digits, modulus-11 check with weights 10..2 on digits 1-9. */
export function nhsCheckDigit(first9: string): number | undefined {
  if (!/^\d{9}$/.test(first9)) return undefined;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(first9[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  if (check === 10) return undefined; // no valid number has this stem
  return check;
}

/**
 * True when `value` is a 10-digit NHS number whose check digit is right.
 * @example isValidNhsNumber('9434765919') // true
 */
export function isValidNhsNumber(value: string): boolean {
  if (!/^\d{10}$/.test(value)) return false;
  return nhsCheckDigit(value.slice(0, 9)) === Number(value[9]);
}

/** The 999 range is reserved for test data: no real child has one. */
export function isTestRangeNhsNumber(value: string): boolean {
  return isValidNhsNumber(value) && value.startsWith('999');
}
