/**
 * ContactPoint's matching rules as a pure function (mocks/contactpoint/domain/matching.ts) over an
 * index made here from plain arrays: no SQLite, no typed-array columns, no key offsets.
 */
import { describe, expect, it } from 'vitest';
import { matchChild, type IdentifierKind, type MatchIndex } from '../../mocks/contactpoint/domain/matching.js';
import { dayNumber, postcodeOf, prepareChild, type PreparedChild } from '../../mocks/contactpoint/domain/prepare.js';
import { hash52 } from '../../mocks/contactpoint/domain/hash-index.js';
import { makeContactPointId as cp } from '../../mocks/contactpoint/cpid.js';
import type { ChildIdentity } from '../../src/platform/schemas/common.js';
import { involvement, testNhs, testUpn } from '../support/messages.js';

/** The identity each prepared child was made from, so the index below compares identities, not keys. */
const sentAs = new WeakMap<PreparedChild, ChildIdentity>();
const prep = (c: ChildIdentity): PreparedChild => {
  const p = prepareChild(c);
  sentAs.set(p, c);
  return p;
};

/** A directory of children held as their identities, serial = position + 1. */
function held(children: ChildIdentity[]): MatchIndex {
  const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
  return {
    childrenWithIdentifier: (child, kind) => {
      const sent = sentAs.get(child)!.identifiers[kind];
      return sent ? children.flatMap((c, i) => (c.identifiers[kind] === sent ? [i + 1] : [])) : [];
    },
    childrenWithDemographics: (child, former) => {
      const sent = sentAs.get(child)!;
      const name = former === undefined ? sent.name : sent.formerNames[former]!;
      return children.flatMap((c, i) =>
        same(c.name.family, name.family) && same(c.name.given, name.given) && c.dateOfBirth === sent.dateOfBirth ? [i + 1] : [],
      );
    },
    dateOfBirth: (serial) => dayNumber(children[serial - 1]!.dateOfBirth),
    postcode: (serial) => {
      const pc = postcodeOf(children[serial - 1]!);
      return pc ? hash52(pc) : NaN;
    },
    identifiersHeld: (serial) =>
      Object.entries(children[serial - 1]!.identifiers).map(([kind, value]) => ({ kind: kind as IdentifierKind, value: value })),
  };
}

const child = (over: Partial<ChildIdentity> = {}): ChildIdentity => ({ ...involvement().child, name: { given: 'Mia', family: 'Pure' }, ...over });
const nhs = (n: number) => ({ nhsNumber: testNhs(n) });

describe('matching (CP-MATCH-001..003) over any index', () => {
  it('CP-MATCH-001: by identifier, naming the kind', () => {
    const ix = held([child({ identifiers: nhs(1) }), child({ identifiers: { upn: testUpn(2) }, dateOfBirth: '2014-05-02' })]);
    expect(matchChild(ix, prep(child({ identifiers: nhs(1) })), 0)).toEqual({ serial: 1, by: 'nhsNumber' });
    expect(matchChild(ix, prep(child({ identifiers: { upn: testUpn(2) } })), 0)).toEqual({ serial: 2, by: 'upn' });
  });

  it('CP-MATCH-003: an identifier with another date of birth, or identifiers of two children, go to review', () => {
    const ix = held([child({ identifiers: nhs(1) }), child({ identifiers: { upn: testUpn(2) } })]);
    expect(matchChild(ix, prep(child({ identifiers: nhs(1), dateOfBirth: '2015-01-01' })), 0)).toMatchObject({
      review: expect.stringMatching(/date of birth differs \(2014-05-02 held, 2015-01-01 sent\)/),
      candidates: [cp(1)],
    });
    expect(matchChild(ix, prep(child({ identifiers: { ...nhs(1), upn: testUpn(2) } })), 0)).toMatchObject({
      review: expect.stringMatching(/different children/),
      candidates: [cp(1), cp(2)],
    });
  });

  it('a linked source record stays with its child unless its identifiers now belong to another', () => {
    const ix = held([child({ identifiers: nhs(1) }), child({ identifiers: nhs(2) })]);
    expect(matchChild(ix, prep(child({ identifiers: nhs(1) })), 1)).toEqual({ serial: 1, by: 'source-record' });
    expect(matchChild(ix, prep(child({ identifiers: nhs(2) })), 1)).toMatchObject({
      review: expect.stringMatching(/linked to/),
      candidates: [cp(1), cp(2)],
    });
  });

  it('CP-MATCH-002: without identifiers, by name, date of birth and postcode; a new child when none match', () => {
    const ix = held([child({ identifiers: {} })]);
    expect(matchChild(ix, prep(child({ identifiers: {} })), 0)).toEqual({ serial: 1, by: 'demographics' });
    expect(matchChild(ix, prep(child({ identifiers: {}, name: { given: 'Mia', family: 'Other' } })), 0)).toEqual({ serial: 0, by: 'new-child' });
    const moved = child({ identifiers: {}, residence: { status: 'current', address: { lines: ['1 High St'], postcode: 'N1 9GU' } } });
    expect(matchChild(ix, prep(moved), 0)).toEqual({ serial: 0, by: 'new-child' });
  });

  it('CP-MATCH-002: a child renamed since, sent with the old name as a former name, is the child held under it (no duplicate)', () => {
    const ix = held([child({ identifiers: {} }), child({ identifiers: {}, name: { given: 'Ana', family: 'Elsewhere' }, dateOfBirth: '2013-01-01' })]);
    const renamed = child({
      identifiers: {},
      name: { given: 'Mia', family: "O'Neill-Pure" },
      formerNames: [
        { given: 'Mia', family: 'Unrelated' },
        { given: 'Mia', family: 'Pure' },
      ],
    });
    expect(matchChild(ix, prep(renamed), 0)).toEqual({ serial: 1, by: 'demographics' });
    // A former name with another date of birth is someone else.
    expect(matchChild(ix, prep({ ...renamed, dateOfBirth: '2014-05-03' }), 0)).toEqual({ serial: 0, by: 'new-child' });
    // The current name comes first: a child held under it is the match, whatever the former names.
    expect(matchChild(ix, prep(child({ identifiers: {}, formerNames: [{ given: 'Ana', family: 'Elsewhere' }] })), 0)).toEqual({
      serial: 1,
      by: 'demographics',
    });
  });

  it('CP-MATCH-003: demographics without a postcode, matching twice, or with a differing identifier go to review', () => {
    const twins = held([child({ identifiers: {} }), child({ identifiers: {} })]);
    expect(matchChild(twins, prep(child({ identifiers: {} })), 0)).toMatchObject({ review: expect.stringMatching(/match 2 children/) });
    expect(matchChild(twins, prep(child({ identifiers: {}, residence: { status: 'no-known-address' } })), 0)).toMatchObject({
      review: expect.stringMatching(/no postcode/),
    });
    const one = held([child({ identifiers: nhs(1) })]);
    expect(matchChild(one, prep(child({ identifiers: { upn: testUpn(3) } })), 0)).toEqual({ serial: 1, by: 'demographics' });
    const other = held([child({ identifiers: { upn: testUpn(4) } })]);
    expect(matchChild(other, prep(child({ identifiers: { upn: testUpn(5) } })), 0)).toMatchObject({
      review: expect.stringMatching(/its upn differs/),
      candidates: [cp(1)],
    });
  });
});
