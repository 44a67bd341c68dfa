/**
 * ULN: 10 digits, first non-zero; weights 10..1 over all ten digits, sum mod 11 must be 10.
 * @example isValidUln('9276308686') // true
 */
export function isValidUln(value: string): boolean {
  if (!/^[1-9]\d{9}$/.test(value)) return false;
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += Number(value[i]) * (10 - i);
  return sum % 11 === 10;
}

/** The last digit that makes a 9-digit stem a valid ULN, if any. */
export function ulnCheckDigit(first9: string): number | undefined {
  if (!/^[1-9]\d{8}$/.test(first9)) return undefined;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(first9[i]) * (10 - i);
  // sum + d*1 ≡ 10 (mod 11)
  const d = (((10 - sum) % 11) + 11) % 11;
  return d <= 9 ? d : undefined;
}
