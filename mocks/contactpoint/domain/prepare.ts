/**
 * What the directory needs of a feed message, worked out from the message alone: the rules it
 * breaks and the keys it is matched on. Pure (no state, no clock), so the pipeline can run it with
 * parsing and validation on a worker thread (docs/decisions/0009); the directory's ingest takes a
 * PreparedMessage whichever thread made it. The result must survive structured cloning: plain data.
 */
import { ProblemError, type ProblemItem } from '../../../src/core/problem.js';
import { ageOn } from '../../../src/core/clock.js';
import { normalisePostcode } from '../../../src/identifiers/index.js';
import type { ChildIdentity, PractitionerContact } from '../../../src/schemas/common.js';
import { SENSITIVE_SERVICES, type CafIndicatorMessage, type InvolvementMessage } from '../schemas.js';
import { findCaseContent } from './case-content.js';
import { hash52, hash64, type Key } from './hash-index.js';

export type Kind = 'involvement' | 'caf';
export type AnyMessage = InvolvementMessage | CafIndicatorMessage;

/** The identifier kinds a child may carry, in the order of PreparedChild's slots. */
export const IDENTIFIER_KINDS = ['nhsNumber', 'upn', 'uln'] as const;

/** Names compared as ContactPoint compares them: trimmed, case-folded, single spaces. */
export const norm = (s: string | undefined) => (s ?? '').trim().toLowerCase().replace(/\s+/g, ' ');

export const identifierKey = (kind: string, value: string) => hash64(`i\0${kind}\0${value}`);
export const nameHash = (name: string) => hash64(norm(name)).hi;

/** The postcode a child's residence gives, normalised; none for "no fixed abode" and the like. */
export function postcodeOf(child: ChildIdentity): string | undefined {
  const r = child.residence;
  if (r.status === 'current' || r.status === 'last-known') return normalisePostcode(r.address.postcode);
  return undefined;
}

/** YYYY-MM-DD as the number YYYYMMDD. */
export function dayNumber(day: string): number {
  return Number(day.slice(0, 4)) * 10000 + Number(day.slice(5, 7)) * 100 + Number(day.slice(8, 10));
}

/**
 * Where each of the child's numbers sits in PreparedChild.keys. Flat, because a prepared message
 * crosses threads (structured cloning), where every object costs: one array, not a dozen keys.
 */
export const KEY = {
  /** Identifier slot k's key at 2k (hi) and 2k + 1 (lo); hi is -1 when the slot is empty. */
  ids: 0,
  /** (family name, given name, date of birth): hi, lo. */
  demographic: 6,
  family: 8,
  given: 9,
  /** Date of birth as YYYYMMDD. */
  dob: 10,
  /** hash52 of the normalised postcode; NaN when the residence has none. */
  postcode: 11,
} as const;

/** The child as the directory matches and indexes it. */
export interface PreparedChild {
  /** The child's keys and numbers, laid out as KEY says. */
  keys: number[];
  /** Per IDENTIFIER_KINDS slot: the value sent, or null. */
  ids: Array<string | null>;
  /** As sent (for review reasons). */
  dateOfBirth: string;
}

export interface PreparedMessage {
  kind: Kind;
  messageId: string;
  /** The source record ID (involvements) or the episode reference (CAF indicators). */
  recordId: string;
  /** sentAt in ms since the epoch: compared as instants. */
  sentAt: number;
  child: PreparedChild;
  /** The rules the message breaks. The directory refuses it with these after its repeat check. */
  refusals?: ProblemItem[];
}

export function prepareChild(child: ChildIdentity): PreparedChild {
  const ids: Array<string | null> = [];
  const keys: number[] = [];
  for (const kind of IDENTIFIER_KINDS) {
    const v = child.identifiers[kind];
    ids.push(v ?? null);
    const k: Key = v ? identifierKey(kind, v) : { hi: -1, lo: 0 };
    keys.push(k.hi, k.lo);
  }
  const family = norm(child.name.family);
  const given = norm(child.name.given);
  const postcode = postcodeOf(child);
  const demographic = hash64(`d\0${family}\0${given}\0${child.dateOfBirth}`);
  keys.push(demographic.hi, demographic.lo, hash64(family).hi, hash64(given).hi, dayNumber(child.dateOfBirth), postcode ? hash52(postcode) : NaN);
  return { keys, ids, dateOfBirth: child.dateOfBirth };
}

/**
 * A validated message prepared for the directory. `rules: false` skips the rule checks, for
 * messages already accepted once (the log replayed at start-up, a review resolved).
 */
export function prepareMessage(kind: Kind, msg: AnyMessage, opts: { rules?: boolean } = {}): PreparedMessage {
  const refusals = opts.rules === false ? [] : kind === 'involvement' ? involvementRefusals(msg as InvolvementMessage) : cafIndicatorRefusals(msg as CafIndicatorMessage);
  return {
    kind,
    messageId: msg.messageId,
    recordId: kind === 'involvement' ? (msg as InvolvementMessage).sourceRecordId : (msg as CafIndicatorMessage).episodeRef,
    sentAt: Date.parse(msg.sentAt),
    child: prepareChild(msg.child),
    ...(refusals.length > 0 ? { refusals } : {}),
  };
}

/** Rules beyond the schema that an InvolvementMessage breaks (none: []). */
export function involvementRefusals(msg: InvolvementMessage): ProblemItem[] {
  const errors: ProblemItem[] = [];
  childRefusals(msg.child, msg.sentAt.slice(0, 10), '/child', errors);
  const inv = msg.involvement;
  for (const f of findCaseContent(contactTexts(inv.contact, '/involvement/contact'))) {
    errors.push({ path: f.path, rule: 'case-information', requirement: 'CP-FEED-002', message: `case information ("${f.term}") is not allowed: say whom to contact, never why` });
  }
  if (inv.endDate && inv.endDate < inv.startDate)
    errors.push({ path: '/involvement/endDate', rule: 'end-after-start', requirement: 'CP-FEED-010', message: 'end date is before the start date' });
  if (SENSITIVE_SERVICES.includes(inv.service) && !inv.sensitiveBasis)
    errors.push({
      path: '/involvement/sensitiveBasis',
      rule: 'sensitive-basis-required',
      requirement: 'CP-FEED-006',
      message: `${inv.service} is a sensitive service: state the basis (consent or significant-harm-suspected)`,
    });
  return errors;
}

/** Rules beyond the schema that a CafIndicatorMessage breaks (none: []). */
export function cafIndicatorRefusals(msg: CafIndicatorMessage): ProblemItem[] {
  const errors: ProblemItem[] = [];
  childRefusals(msg.child, msg.sentAt.slice(0, 10), '/child', errors);
  for (const f of findCaseContent(contactTexts(msg.assessor, '/assessor')))
    errors.push({ path: f.path, rule: 'case-information', requirement: 'CP-CAF-002', message: `case information ("${f.term}") is not allowed in a CAF indicator` });
  return errors;
}

function childRefusals(child: ChildIdentity, day: string, prefix: string, errors: ProblemItem[]): void {
  if (child.dateOfBirth > day)
    errors.push({ path: `${prefix}/dateOfBirth`, rule: 'born-by-message-date', requirement: 'CP-FEED-010', message: 'date of birth is after the message date' });
  else if (ageOn(child.dateOfBirth, day) >= 18)
    errors.push({
      path: `${prefix}/dateOfBirth`,
      rule: 'under-18',
      requirement: 'CP-FEED-005',
      message: `the child is ${ageOn(child.dateOfBirth, day)} on ${day}: ContactPoint holds children up to their 18th birthday; the record belongs in the archive`,
    });
  if (child.school) {
    for (const f of findCaseContent([[`${prefix}/school/name`, child.school.name]]))
      errors.push({ path: f.path, rule: 'case-information', requirement: 'CP-FEED-002', message: `case information ("${f.term}") is not allowed` });
  }
}

function contactTexts(c: PractitionerContact, prefix: string): Array<[string, string | undefined]> {
  return c.kind === 'practitioner'
    ? [
        [`${prefix}/role`, c.role],
        [`${prefix}/organisation`, c.organisation],
      ]
    : [
        [`${prefix}/teamName`, c.teamName],
        [`${prefix}/organisation`, c.organisation],
      ];
}

/** The 422 for a message's broken rules, its code taken from the first. */
export function refusal(errors: ProblemItem[]): ProblemError {
  const first = errors[0]!;
  const code = first.rule === 'case-information' ? 'ICS_ERR_CASE_INFORMATION' : first.rule === 'under-18' ? 'ICS_ERR_AGE_LIMIT' : first.rule === 'sensitive-basis-required' ? 'ICS_ERR_SENSITIVE_BASIS' : 'ICS_ERR_DATES';
  return new ProblemError(code, { detail: errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors });
}
