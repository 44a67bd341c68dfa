/**
 * Faulty variants of the reference ICS, one per family of checks. Each breaks one requirement in its
 * own way, so the variant matrix test can show every check failing on a system that breaks it.
 */
export const VARIANTS = {
  'sends-case-note': 'Adds the referral\'s case note to the involvement as a "reason" field.',
  'case-note-in-role': 'Smuggles the case note into the worker\'s role text.',
  'drops-end-date': 'Deletes the involvement at ContactPoint instead of sending its end date.',
  'new-message-id-on-retry': 'Gives every retry a fresh message ID.',
  'ignores-retry-after': 'Retries on its own schedule, ignoring Retry-After.',
  'no-backoff': 'Retries at a fixed short interval.',
  'retries-forever': 'Never gives up on an undeliverable message.',
  'stale-address': 'Does not send changes to the child\'s details.',
  'duplicate-involvement': 'Sends every update of an involvement under a new source record ID.',
  'hard-coded-token': 'Keeps using the first token it was given, ignoring reconfiguration.',
  'token-in-query': 'Sends its token in the query string as well as the header.',
  'reads-contactpoint': 'Looks the child up on ContactPoint after sending.',
  'reads-other-records': 'Reads a source record ID it does not own.',
  'sends-adults': 'Sends involvements for young people of 18 and over.',
  'omits-sensitive-basis': 'Leaves out the basis for sensitive services.',
  'wrong-contact': 'Sends the organisation\'s switchboard instead of the worker\'s number.',
  'drops-identifiers': 'Leaves out the child\'s NHS number.',
  'ignores-lead-professional': 'Never sends lead professional changes.',
  'wrong-start-date': 'Sends the day of sending as the start date.',
  'no-caf-indicator': 'Never tells ContactPoint that a CAF was logged.',
  'caf-content-in-indicator': 'Puts the reason for assessment into the CAF indicator.',
  'stale-caf-indicator': 'Does not send a new indicator when the CAF is updated.',
  'transfers-without-consent': 'Transfers an episode to National eCAF with no consent in force.',
  'partial-transfer': 'Leaves the delivery plan out of a transferred episode.',
  'accepts-unconsented-transfer': 'Accepts an episode from National eCAF that has no consent in force.',
  'duplicate-import': 'Stores the same transferred episode again when it is re-sent.',
  'fabricates-consent': 'Invents consent for migrated episodes that have none.',
  'skips-closed-episodes': 'Leaves closed episodes out of the migration batch.',
  'never-releases-held': 'Captures consent locally but never records it at National eCAF.',
} as const;

export type Variant = keyof typeof VARIANTS;

export function isVariant(v: string): v is Variant {
  return Object.hasOwn(VARIANTS, v);
}
