/**
 * Variants of the reference ICS. The faulty family breaks one requirement each, in the distinct ways
 * a real system could, so the variant matrix shows every check failing on a system that breaks it
 * (docs/decisions/0031-variant-families.md). The conformant family makes other choices the
 * specification allows; every suite must pass them, so no check judges the reference ICS's habits.
 */
export const FAULTY_VARIANTS = {
  // CP-FEED-001 unique message IDs
  'reuses-message-id': 'Sends every update of an involvement with the message ID of its first message.',
  'message-id-from-child': "Derives the message ID from the child's NHS number: every message about a child has the same one.",
  // CP-FEED-002 no case information
  'sends-case-note': 'Adds the referral\'s case note to the involvement as a "reason" field.',
  'case-note-in-role': "Smuggles the case note into the worker's role text.",
  // CP-FEED-003 identifiers
  'drops-identifiers': "Leaves out the child's NHS number.",
  'bad-nhs-check-digit': "Mistypes the NHS number's check digit.",
  'spaced-nhs-number': 'Sends the NHS number as displayed, with spaces ("999 123 4567").',
  'bad-upn-check-letter': "A school system that mistypes the UPN's check letter (the next letter of the table).",
  'drops-upn': "A school system that leaves the pupil's UPN out of its messages.",
  // CP-FEED-004 contact
  'wrong-contact': "Sends the organisation's switchboard instead of the worker's number.",
  'contact-without-phone': "Leaves the phone number out of the worker's contact.",
  // CP-FEED-005 under 18
  'sends-adults': 'Sends involvements for young people of 18 and over.',
  'sends-on-18th-birthday': 'Works out age as of yesterday: still sends on the 18th birthday.',
  'sends-to-19': "A Connexions system that applies its own caseload limit (19) instead of ContactPoint's 18th birthday.",
  // CP-FEED-006 sensitive basis
  'omits-sensitive-basis': 'Leaves out the basis for sensitive services.',
  'wrong-sensitive-basis': 'Always states "significant harm suspected" as the basis, whatever was recorded.',
  'basis-dropped-on-discharge': 'A clinic system that sends the basis with the referral but not with the discharge.',
  // CP-FEED-007 superseded data
  'stale-address': "Does not send changes to the child's details.",
  'backdated-update': "Dates an update with the original message's time less a minute: ContactPoint keeps the old data.",
  // CP-FEED-008 end, never delete
  'drops-end-date': 'Deletes the involvement at ContactPoint instead of sending its end date.',
  'end-not-sent': 'Records the end of an involvement locally and sends nothing.',
  // CP-FEED-009 referral uploads
  'duplicate-involvement': 'Sends every update of an involvement under a new source record ID.',
  'wrong-service': 'Reports a social-care referral as an education involvement.',
  // CP-FEED-010 dates
  'wrong-start-date': 'Sends the day of sending as the start date.',
  'timestamp-dates': 'Sends start and end dates as full timestamps.',
  'wrong-end-date': 'Sends the day after the recorded end date.',
  // CP-FEED-015 the child as held
  'drops-former-names': "Sends the child's current name only, never their former names.",
  'invents-address': "Sends the authority's office address for a child of no known address.",
  'merges-twins': 'Takes a child with the surname, date of birth and home of one it holds for a duplicate: twins become one record.',
  'strips-apostrophes': "Removes apostrophes from the child's name before sending (O'Sullivan becomes OSullivan), a legacy field filter.",
  'truncates-names': "Cuts each part of the child's name to 35 characters, the width of its own database columns.",
  'last-known-as-current': "Sends a child's last known address as their current address.",
  'ascii-names': "Folds the child's name to ASCII before sending: accents dropped, other scripts as question marks.",
  // CP-FEED-003 identifiers, for a child who has none
  'placeholder-nhs-number': 'Fills a missing NHS number with 9999999999 (it passes the check digit) instead of sending none.',
  // CP-FEED-016 sent up to the 18th birthday
  'stops-a-day-early': 'A Connexions system that works out age as of tomorrow: stops sending the day before the 18th birthday.',
  'rounds-age': 'A Connexions system that rounds age to the nearest year: drops a young person within six months of 18.',
  'holds-newborns': 'Sends nothing for a child whose date of birth is today: its validation wants a date of birth in the past.',
  // CP-FEED-012 lead professional
  'ignores-lead-professional': 'Never sends lead professional changes.',
  'lead-from-start': 'Flags every worker as lead professional from the start.',
  // CP-FEED-013 one-way feed
  'reads-contactpoint': 'Looks the child up on ContactPoint after sending.',
  'reads-child-record': "Reads the child's ContactPoint record named in the receipt.",
  // CP-FEED-014 well-formed messages
  'wrong-content-type': 'Sends ContactPoint messages as text/plain.',
  'malformed-json': 'Sends ContactPoint messages with a trailing comma.',
  // CP-CAF-001 CAF indicator
  'no-caf-indicator': 'Never tells ContactPoint that a CAF was logged.',
  'stale-caf-indicator': 'Does not send a new indicator when the CAF is updated.',
  // CP-CAF-002 nothing of the assessment
  'caf-content-in-indicator': 'Puts the reason for assessment into the CAF indicator.',
  'caf-content-in-update': "Puts the updated assessment's needs into the indicator it sends on update.",
  // ECAF-OUT-001 complete transfer
  'partial-transfer': 'Leaves the delivery plan out of a transferred episode.',
  'transfer-trims-assessment': 'Cuts the reason for assessment to 60 characters when transferring.',
  'transfer-redates-consent': 'Dates the consent it transfers today instead of when it was given.',
  // ECAF-OUT-002 consent before transfer
  'transfers-without-consent': 'Transfers an episode to National eCAF with no consent in force.',
  'ignores-withdrawal': 'Treats withdrawn consent as still in force.',
  // ECAF-IN-001 received faithfully
  'drops-consents-in': 'Stores a received episode without its consent records.',
  'trims-assessment-in': "Stores a received episode's reason for assessment cut to 60 characters.",
  // ECAF-IN-002 refuse bad transfers
  'accepts-unconsented-transfer': 'Accepts an episode from National eCAF that has no consent in force.',
  'accepts-malformed': 'Stores whatever it is sent, without checking the exchange format.',
  // ECAF-IN-003 once only
  'duplicate-import': 'Stores the same transferred episode again when it is re-sent.',
  'refuses-repeat': 'Answers a re-sent export with 409 instead of recognising it.',
  // ECAF-MIG-001 complete migration
  'skips-closed-episodes': 'Leaves closed episodes out of the migration batch.',
  'skips-unconsented': 'Leaves episodes without consent out of the migration batch.',
  // ECAF-MIG-002 consent as captured
  'fabricates-consent': 'Invents consent for migrated episodes that have none.',
  'consent-date-rewritten': 'Dates every migrated consent today.',
  // ECAF-MIG-003 held episodes released
  'never-releases-held': 'Captures consent locally but never records it at National eCAF.',
  'releases-without-consent': 'Releases a held episode without recording its consent first.',
  // ECAF-SCHEMA-001 valid exchange messages
  'transfer-unknown-field': 'Adds its own "caseNotes" field to a transferred episode.',
  'transfer-wrong-content-type': 'Sends episode transfers as text/plain.',
  // SEC-AUTH-001 configured credentials
  'hard-coded-token': 'Keeps using the first token it was given, ignoring reconfiguration.',
  'basic-auth': 'Sends its token as HTTP Basic credentials.',
  // SEC-AUTH-002 permitted operations
  'calls-shield': 'Tries to shield the child on ContactPoint after sending.',
  'opens-national-episode': 'Tries to open a CAF episode on National eCAF as a practitioner would.',
  // SEC-ISO-001 own records only
  'reads-other-records': 'Reads a source record ID it does not own.',
  'deletes-other-records': 'Deletes a source record ID it does not own.',
  // SEC-SECRET-001 secrets out of place
  'token-in-query': 'Sends its token in the query string as well as the header.',
  'token-in-body': "Writes its token into the worker's role text.",
  // RES-001 exactly once
  'new-message-id-on-retry': 'Gives every retry a fresh message ID.',
  'no-retry-after-drop': 'Treats a dropped connection as final and never retries.',
  // RES-002 Retry-After
  'ignores-retry-after': 'Retries on its own schedule, ignoring Retry-After.',
  'retry-after-as-ms': 'Reads Retry-After as milliseconds.',
  // RES-003 backoff (SHOULD)
  'no-backoff': 'Retries at a fixed short interval.',
  // RES-004 give up and report
  'retries-forever': 'Never gives up on an undeliverable message.',
  'slow-retries-forever': 'Never gives up either, but waits 1.5 s between attempts (a pause is not a stop).',
  'over-budget-attempts': 'Makes eight quick attempts, twice its declared budget of four, before reporting the message failed.',
  'forgets-undeliverable': 'Gives up and silently removes the message from its outbox.',
  'reports-delivered': 'Gives up and reports the message as delivered.',
  // STORY-001 what practitioners see
  'end-clears-contact': 'On ending an involvement, replaces the worker with the records office of another organisation.',
  'dob-off-by-one': 'Sends the date of birth a day early (a time-zone slip).',
  // STORY-002 stepping up and down
  'second-referral-not-sent': 'Sends only the first involvement of a service for a child, never a later referral.',
  'end-date-on-first-record': "Sends an end date on the child's first involvement of the service, not the one ended.",
} as const;

export const CONFORMANT_VARIANTS = {
  'central-team-contact': "Gives the worker's organisation's central team as the contact.",
  'reordered-keys': "Writes every JSON object's keys in reverse order.",
  'chunked-bodies': 'Streams every request body with chunked transfer encoding.',
  'delayed-sending': 'Queues each new message and sends it 1.5 s later.',
  'whole-second-timestamps': 'Writes sentAt in whole seconds.',
  'other-id-scheme': 'Uses upper-case time-ordered UUIDs for message IDs and numeric source record IDs.',
  'jittered-backoff': 'Backs off exponentially with random jitter (each wait 75-100% of its exponential step).',
  'full-state-resends': 'Re-sends every involvement of a child, as it stands, whenever anything about the child changes.',
  'decomposed-unicode': 'Sends names in Unicode normal form D (accents as combining marks).',
  'keeps-undeliverable-pending': 'Parks an undeliverable message as pending for a later run instead of failing it.',
  'own-local-refs': 'Files a received episode under its own local reference.',
  'former-names-reversed': "Sends a child's former names most recent first (their order means nothing).",
} as const;

export const VARIANTS = { ...FAULTY_VARIANTS, ...CONFORMANT_VARIANTS } as const;

export type FaultyVariant = keyof typeof FAULTY_VARIANTS;
export type ConformantVariant = keyof typeof CONFORMANT_VARIANTS;
export type Variant = FaultyVariant | ConformantVariant;

export function isVariant(v: string): v is Variant {
  return Object.hasOwn(VARIANTS, v);
}
