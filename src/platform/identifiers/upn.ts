/** Check letters for UPNs: A-Z without I, O and S (23 letters, so indices 0..22). */
export const UPN_LETTERS = 'ABCDEFGHJKLMNPQRTUVWXYZ';

/** The check letter for the 12 characters after it (LA, establishment, year, serial). */
export function upnCheckLetter(rest: string): string | undefined {
  if (!/^\d{11}[\dA-HJ-NP-RT-Z]$/.test(rest)) return undefined;
  let sum = 0;
  for (let i = 0; i < 12; i++) {
    const ch = rest[i]!;
    // A temporary UPN ends in a letter, which counts as its index in the same table.
    const v = /\d/.test(ch) ? Number(ch) : UPN_LETTERS.indexOf(ch);
    sum += v * (i + 2);
  }
  return UPN_LETTERS[sum % 23];
}

/**
 * True for a 13-character UPN (permanent, or temporary with a trailing letter) whose check letter is right.
 * @example isValidUpn('H801200001001') // true
 */
export function isValidUpn(value: string): boolean {
  if (value.length !== 13) return false;
  const letter = upnCheckLetter(value.slice(1));
  return letter !== undefined && letter === value[0];
}
