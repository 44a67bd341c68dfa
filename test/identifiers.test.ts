/** Identifier algorithms against the worked examples in the domain notes. */
import { describe, it, expect } from 'vitest';
import {
  isValidNhsNumber,
  isTestRangeNhsNumber,
  nhsCheckDigit,
  isValidUpn,
  upnCheckLetter,
  UPN_LETTERS,
  isValidUln,
  ulnCheckDigit,
  isValidPostcode,
  normalisePostcode,
} from '../src/platform/identifiers/index.js';
import { isValidContactPointId, makeContactPointId, contactPointCheckLetter } from '../mocks/contactpoint/cpid.js';
import { SeededRng } from '../fixtures/index.js';

const rng = new SeededRng('identifiers-test');
const randomDigits = (n: number) => Array.from({ length: n }, () => String(rng.int(10))).join('');

describe('NHS number', () => {
  it('accepts the worked example 9434765919 (sum 299, 299 mod 11 = 2, check 9)', () => {
    expect(nhsCheckDigit('943476591')).toBe(9);
    expect(isValidNhsNumber('9434765919')).toBe(true);
  });

  it('rejects the common display example 9876544321', () => {
    expect(isValidNhsNumber('9876544321')).toBe(false);
  });

  it('maps check 11 to 0 and has no valid number when the check would be 10', () => {
    // 999401506: sum 308, 308 mod 11 = 0 -> check 11 -> 0.
    expect(nhsCheckDigit('999401506')).toBe(0);
    expect(isValidNhsNumber('9994015060')).toBe(true);
    // 999401501: sum 309, 309 mod 11 = 1 -> check 10 -> no valid number.
    expect(nhsCheckDigit('999401501')).toBeUndefined();
    for (let d = 0; d <= 9; d++) expect(isValidNhsNumber(`999401501${d}`)).toBe(false);
  });

  it('rejects wrong lengths and non-digits', () => {
    for (const v of ['', '943476591', '94347659199', '943 476 5919', '943476591X', ' 9434765919']) expect(isValidNhsNumber(v)).toBe(false);
  });

  it('recognises the 999 test range only for valid numbers', () => {
    expect(isTestRangeNhsNumber('9990000018')).toBe(true);
    expect(isTestRangeNhsNumber('9990000017')).toBe(false);
    expect(isTestRangeNhsNumber('9434765919')).toBe(false);
  });

  it('detects every single-digit error over a sample', () => {
    for (let n = 0; n < 300; n++) {
      const first9 = randomDigits(9);
      const check = nhsCheckDigit(first9);
      if (check === undefined) continue;
      const valid = first9 + check;
      for (let i = 0; i < 10; i++)
        for (let d = 0; d <= 9; d++) {
          if (String(d) === valid[i]) continue;
          expect(isValidNhsNumber(valid.slice(0, i) + d + valid.slice(i + 1))).toBe(false);
        }
    }
  });
});

describe('UPN', () => {
  it('accepts the permanent example H801200001001 (sum 53, 53 mod 23 = 7 -> H)', () => {
    expect(upnCheckLetter('801200001001')).toBe('H');
    expect(isValidUpn('H801200001001')).toBe(true);
  });

  it('accepts the temporary example G80120000101A (trailing A counts 0: sum 52 -> 6 -> G)', () => {
    expect(upnCheckLetter('80120000101A')).toBe('G');
    expect(isValidUpn('G80120000101A')).toBe(true);
  });

  it('rejects every other check letter', () => {
    for (const letter of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') {
      if (letter !== 'H') expect(isValidUpn(`${letter}801200001001`)).toBe(false);
      if (letter !== 'G') expect(isValidUpn(`${letter}80120000101A`)).toBe(false);
    }
  });

  it('uses the 23-letter table without I, O and S, ending in Y (21) and Z (22)', () => {
    expect(UPN_LETTERS).toBe('ABCDEFGHJKLMNPQRTUVWXYZ');
    // Remainders 21 and 22 are where some published validators go wrong (domain notes).
    const withRemainder = (r: number) => {
      for (let n = 0; n < 100_000; n++) {
        const rest = randomDigits(12);
        let sum = 0;
        for (let i = 0; i < 12; i++) sum += Number(rest[i]) * (i + 2);
        if (sum % 23 === r) return rest;
      }
      throw new Error('no sample');
    };
    expect(upnCheckLetter(withRemainder(21))).toBe('Y');
    expect(upnCheckLetter(withRemainder(22))).toBe('Z');
    expect(isValidUpn(`Y${withRemainder(21)}`)).toBe(true);
  });

  it('rejects temporary UPNs whose trailing letter is changed, and malformed values', () => {
    expect(isValidUpn('G80120000101B')).toBe(false);
    for (const v of ['', 'H80120000100', 'H8012000010011', 'h801200001001', 'H80120000100I', 'H80120000100O', 'H80120000100S', 'H8012000010A1'])
      expect(isValidUpn(v)).toBe(false);
  });
});

describe('ULN', () => {
  it('accepts the worked examples 9276308686 and 1000000043', () => {
    expect(isValidUln('9276308686')).toBe(true);
    expect(isValidUln('1000000043')).toBe(true);
    expect(ulnCheckDigit('927630868')).toBe(6);
    expect(ulnCheckDigit('100000004')).toBe(3);
  });

  it('rejects a leading zero, wrong lengths and wrong check digits', () => {
    for (const v of ['0276308686', '927630868', '92763086860', '9276308687', '927630868X']) expect(isValidUln(v)).toBe(false);
  });

  it('builds valid ULNs from stems whenever a check digit exists', () => {
    for (let n = 0; n < 1000; n++) {
      const stem = String(1 + rng.int(9)) + randomDigits(8);
      const d = ulnCheckDigit(stem);
      if (d === undefined) {
        for (let x = 0; x <= 9; x++) expect(isValidUln(stem + x)).toBe(false);
      } else expect(isValidUln(stem + d)).toBe(true);
    }
  });
});

describe('NHS number and ULN are disjoint', () => {
  // Same weights 10..1: an NHS number makes the weighted sum 0 mod 11, a ULN makes it 10.
  it('no number passes both checks (sample of 200,000 stems, every last digit)', () => {
    let nhs = 0;
    let uln = 0;
    const both: string[] = [];
    for (let n = 0; n < 200_000; n++) {
      const stem = String(1 + rng.int(9)) + randomDigits(8);
      for (let d = 0; d <= 9; d++) {
        const v = stem + d;
        const a = isValidNhsNumber(v);
        const b = isValidUln(v);
        if (a) nhs++;
        if (b) uln++;
        if (a && b) both.push(v);
      }
    }
    expect(both).toEqual([]);
    // The sample is meaningful: both kinds occur in it.
    expect(nhs).toBeGreaterThan(100_000);
    expect(uln).toBeGreaterThan(100_000);
    expect(isValidUln('9434765919')).toBe(false);
    expect(isValidNhsNumber('9276308686')).toBe(false);
  });
});

describe('Postcode', () => {
  it.each(['SW1A 2AA', 'W1A 0AX', 'EC1A 1BB', 'M1 1AE', 'B33 8TH', 'CR2 6XH', 'DN55 1PT', 'SW1A2AA'])('accepts %s', (p) => {
    expect(isValidPostcode(p)).toBe(true);
  });

  it.each([
    'sw1a 2aa', // lower case: postcodes are sent upper-case
    'QA1 1AA', // Q cannot start a postcode
    'X1 1AA', // nor X
    'W1I 1AA', // I is not a valid third character
    'EC1A 1BC', // C is not a valid inward letter
    'W1A 0AK', // nor K
    'SW1A  2AA', // two spaces
    'SW1A 2A', // short inward code
    'SW1A 2AAA',
    '',
  ])('rejects %j', (p) => {
    expect(isValidPostcode(p)).toBe(false);
  });

  it('normalises case and spacing', () => {
    expect(normalisePostcode('sw1a2aa')).toBe('SW1A 2AA');
    expect(normalisePostcode(' ec1a  1bb ')).toBe('EC1A 1BB');
    expect(isValidPostcode(normalisePostcode('w1a0ax'))).toBe(true);
  });
});

describe('ContactPoint ID', () => {
  it('builds and validates IDs: "CP", 9 digits, check letter', () => {
    const id = makeContactPointId(1);
    expect(id).toBe('CP000000001L'); // 1 x weight 10 = 10 -> L
    expect(isValidContactPointId(id)).toBe(true);
    expect(isValidContactPointId(makeContactPointId(999_999_999))).toBe(true);
    for (let n = 0; n < 1000; n++) expect(isValidContactPointId(makeContactPointId(1 + rng.int(999_999_999)))).toBe(true);
  });

  it('rejects the serials it cannot encode', () => {
    for (const bad of [0, -1, 1.5, 1_000_000_000, Number.NaN]) expect(() => makeContactPointId(bad)).toThrow(RangeError);
  });

  it('rejects malformed IDs and wrong check letters', () => {
    for (const v of ['', 'CP00000001L', 'CP0000000001L', 'cp000000001L', 'CP000000001l', 'XP000000001L', 'CP000000001C'])
      expect(isValidContactPointId(v)).toBe(false);
    for (const letter of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') if (letter !== 'L') expect(isValidContactPointId(`CP000000001${letter}`)).toBe(false);
    expect(contactPointCheckLetter('12345678')).toBeUndefined();
  });

  it('detects every single-digit error and every adjacent transposition over a sample', () => {
    let checked = 0;
    for (let n = 0; n < 2000; n++) {
      const id = makeContactPointId(1 + rng.int(999_999_999));
      const digits = id.slice(2, 11);
      const letter = id[11]!;
      for (let i = 0; i < 9; i++) {
        for (let d = 0; d <= 9; d++) {
          if (String(d) === digits[i]) continue;
          expect(isValidContactPointId(`CP${digits.slice(0, i)}${d}${digits.slice(i + 1)}${letter}`)).toBe(false);
          checked++;
        }
        if (i < 8 && digits[i] !== digits[i + 1]) {
          const swapped = digits.slice(0, i) + digits[i + 1]! + digits[i]! + digits.slice(i + 2);
          expect(isValidContactPointId(`CP${swapped}${letter}`)).toBe(false);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(150_000);
  });
});
