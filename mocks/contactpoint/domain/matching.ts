/**
 * ContactPoint's matching rules (CP-MATCH-001..003), as a pure function over what the directory
 * holds. How the directory stores children, source records and their keys (typed-array columns,
 * hash indexes, the log: decision 0007) is behind MatchIndex; a reader of these rules sees children,
 * identifiers and dates, never key offsets.
 */
import { makeContactPointId } from '../cpid.js';
import { IDENTIFIER_KINDS, sentDateOfBirth, sentPostcode, type PreparedChild } from './prepare.js';

export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];
export type MatchedBy = 'source-record' | IdentifierKind | 'demographics' | 'new-child';

/** A child matched (serial 0: a new child), or held for a human to decide, with why and among whom. */
export type Match = { serial: number; by: MatchedBy } | { review: string; candidates: string[] };

/** What matching asks of the directory. Children are numbered by their ContactPoint serial. */
export interface MatchIndex {
  /** The children whose source records currently carry the identifier the child was sent with, of this kind. */
  childrenWithIdentifier(child: PreparedChild, kind: IdentifierKind): Iterable<number>;
  /** The children whose current name and date of birth are the child's (or, given `former`, the child's former name of that index), in serial order. */
  childrenWithDemographics(child: PreparedChild, former?: number): number[];
  /** The date of birth a child is held with, as the number YYYYMMDD. */
  dateOfBirth(serial: number): number;
  /** The hash of the normalised postcode a child is held with (as sentPostcode gives it); NaN when none. */
  postcode(serial: number): number;
  /** Every identifier a child's source records carry now. */
  identifiersHeld(serial: number): Array<{ kind: IdentifierKind; value: string }>;
}

const cp = makeContactPointId;

function dayString(n: number): string {
  return `${String(Math.floor(n / 10000)).padStart(4, '0')}-${String(Math.floor(n / 100) % 100).padStart(2, '0')}-${String(n % 100).padStart(2, '0')}`;
}

/**
 * Which child a message is about. `linked`: the child its source record is already linked to (0:
 * a new source record). Identifiers first (CP-MATCH-001), then name, date of birth and postcode
 * (CP-MATCH-002); anything ambiguous or contradictory goes to review, never to a duplicate child
 * (CP-MATCH-003).
 */
export function matchChild(ix: MatchIndex, child: PreparedChild, linked: number): Match {
  const byId = new Map<number, MatchedBy>();
  for (const kind of IDENTIFIER_KINDS) for (const s of ix.childrenWithIdentifier(child, kind)) if (!byId.has(s)) byId.set(s, kind);
  if (linked) {
    const others = [...byId.keys()].filter((s) => s !== linked);
    if (others.length > 0)
      return {
        review: `this source record is linked to ${cp(linked)} but its identifiers belong to ${others.map(cp).join(', ')}`,
        candidates: [linked, ...others].map(cp),
      };
    return { serial: linked, by: 'source-record' };
  }
  if (byId.size > 1)
    return { review: `identifiers point at different children: ${[...byId.keys()].map(cp).join(', ')}`, candidates: [...byId.keys()].map(cp) };
  if (byId.size === 1) {
    const [serial, by] = [...byId.entries()][0]!;
    if (ix.dateOfBirth(serial) !== sentDateOfBirth(child))
      return {
        review: `${by} matches ${cp(serial)} but the date of birth differs (${dayString(ix.dateOfBirth(serial))} held, ${child.dateOfBirth} sent)`,
        candidates: [cp(serial)],
      };
    return { serial, by };
  }
  let rows = ix.childrenWithDemographics(child);
  // A child renamed since: a former name with the date of birth is the child held under it (the record keeps former names), so no duplicate is made.
  for (let f = 0; rows.length === 0 && f < (child.former?.length ?? 0) / 2; f++) rows = ix.childrenWithDemographics(child, f);
  if (rows.length === 0) return { serial: 0, by: 'new-child' };
  const postcode = sentPostcode(child);
  if (Number.isNaN(postcode))
    return { review: 'name and date of birth match existing children but there is no postcode to confirm', candidates: rows.map(cp) };
  const same = rows.filter((s) => ix.postcode(s) === postcode);
  if (same.length === 0) return { serial: 0, by: 'new-child' };
  if (same.length > 1) return { review: `name, date of birth and postcode match ${same.length} children`, candidates: same.map(cp) };
  const serial = same[0]!;
  // Identifiers of the same kind that disagree mean two different children with the same demographics.
  const held = ix.identifiersHeld(serial);
  for (let k = 0; k < IDENTIFIER_KINDS.length; k++) {
    const kind = IDENTIFIER_KINDS[k]!;
    const sent = child.ids[k];
    if (sent && held.some((h) => h.kind === kind && h.value !== sent))
      return { review: `demographics match ${cp(serial)} but its ${kind} differs`, candidates: [cp(serial)] };
  }
  return { serial, by: 'demographics' };
}
