export { isValidNhsNumber, isTestRangeNhsNumber, nhsCheckDigit } from './nhs.js';
export { isValidUpn, upnCheckLetter, UPN_LETTERS } from './upn.js';
export { isValidUln, ulnCheckDigit } from './uln.js';
export { isValidPostcode, normalisePostcode, POSTCODE_PATTERN } from './postcode.js';
