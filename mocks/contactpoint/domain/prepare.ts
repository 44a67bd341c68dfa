/**
 * What the directory needs of a feed message, worked out from the message alone: the rules it
 * breaks and the keys it is matched on. Pure (no state, no clock), so the pipeline can run it with
 * parsing and validation on a worker thread (docs/decisions/0009); the directory's ingest takes a
 * PreparedMessage whichever thread made it. The result must survive structured cloning: plain data.
 */
import type { Finding } from '../../../src/platform/rules.js';
import { normalisePostcode } from '../../../src/platform/identifiers/index.js';
import type { ChildIdentity } from '../../../src/platform/schemas/common.js';
import type { CafIndicatorMessage, InvolvementMessage } from '../schemas.js';
import { CONTACTPOINT_RULES, CP, type ContactPointRule, type ContactPointRuleId, type Hits } from '../rules.js';
import type { ProblemItem } from '../../../src/platform/problem.js';
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
  /** (family, given, date of birth) of each former name, hi and lo in turn; absent when there are none. */
  former?: number[];
}

export interface PreparedMessage {
  kind: Kind;
  messageId: string;
  /** The source record ID (involvements) or the episode reference (CAF indicators). */
  recordId: string;
  /** sentAt in ms since the epoch: compared as instants. */
  sentAt: number;
  child: PreparedChild;
  /** The rules the message breaks (keys of CONTACTPOINT_RULES). The directory refuses it with these after its repeat check. */
  refusals?: Array<Finding<ContactPointRuleId>>;
}

/** The date of birth a child was sent with, as YYYYMMDD. */
export const sentDateOfBirth = (child: PreparedChild): number => child.keys[KEY.dob]!;

/** The hash52 of the normalised postcode a child was sent with; NaN when the residence has none. */
export const sentPostcode = (child: PreparedChild): number => child.keys[KEY.postcode]!;

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
  if (child.formerNames.length === 0) return { keys, ids, dateOfBirth: child.dateOfBirth };
  const former: number[] = [];
  for (const n of child.formerNames) {
    const k = hash64(`d\0${norm(n.family)}\0${norm(n.given)}\0${child.dateOfBirth}`);
    former.push(k.hi, k.lo);
  }
  return { keys, ids, dateOfBirth: child.dateOfBirth, former };
}

/**
 * A validated message prepared for the directory. `rules: false` skips the rule checks, for
 * messages already accepted once (the log replayed at start-up, a review resolved).
 */
export function prepareMessage(kind: Kind, msg: AnyMessage, opts: { rules?: boolean } = {}): PreparedMessage {
  const refusals = opts.rules === false ? [] : messageFindings(kind, msg);
  return {
    kind,
    messageId: msg.messageId,
    recordId: kind === 'involvement' ? (msg as InvolvementMessage).sourceRecordId : (msg as CafIndicatorMessage).episodeRef,
    sentAt: Date.parse(msg.sentAt),
    child: prepareChild(msg.child),
    ...(refusals.length > 0 ? { refusals } : {}),
  };
}

/** The rules' checks for each kind of message, in table order. */
const CHECKS = {
  involvement: checksFor((r) => r.involvement),
  caf: checksFor((r) => r.caf),
};

function checksFor<M>(pick: (r: ContactPointRule) => ((m: M) => Hits) | undefined): Array<[ContactPointRuleId, (m: M) => Hits]> {
  const out: Array<[ContactPointRuleId, (m: M) => Hits]> = [];
  for (const [id, r] of Object.entries(CONTACTPOINT_RULES) as Array<[ContactPointRuleId, ContactPointRule]>) {
    const check = pick(r);
    if (check) out.push([id, check]);
  }
  return out;
}

/**
 * The rules a message that failed the schema breaks as well, as problem items, in table order. The
 * checks read what they need of a message the types no longer vouch for: a check that throws on it
 * finds nothing, and a finding at a field the schema already refused (or inside or around it) is
 * left out, as it would judge a value the vendor must send again anyway.
 */
export function ruleErrorsDespiteSchema(kind: Kind, body: unknown, schemaErrors: ReadonlyArray<ProblemItem>): ProblemItem[] {
  if (!isObject(body) || !isObject(body.child) || (kind === 'involvement' && !isObject(body.involvement))) return [];
  const out: ProblemItem[] = [];
  for (const [id, check] of CHECKS[kind] as Array<[ContactPointRuleId, (m: AnyMessage) => Hits]>) {
    let hits: Hits;
    try {
      hits = check(body as unknown as AnyMessage);
    } catch {
      continue;
    }
    for (const [path, message] of hits) if (!schemaErrors.some((e) => overlaps(e.path, path))) out.push(CP.item(id, path, message));
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const overlaps = (a: string, b: string) => a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);

/** Every rule of the table that a message breaks on its own (none: []), in table order. */
export function messageFindings(kind: Kind, msg: AnyMessage): Array<Finding<ContactPointRuleId>> {
  const out: Array<Finding<ContactPointRuleId>> = [];
  for (const [id, check] of CHECKS[kind] as Array<[ContactPointRuleId, (m: AnyMessage) => Hits]>)
    for (const [path, message] of check(msg)) out.push({ id, path, message });
  return out;
}
