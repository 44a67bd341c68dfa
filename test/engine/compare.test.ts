import { describe, expect, it } from 'vitest';
import { compareByMeaning, describeDifferences, sameMeaning } from '../../src/harness/engine/compare.js';

describe('compareByMeaning', () => {
  it('ignores key order at every depth', () => {
    expect(sameMeaning({ a: 1, b: { c: 2, d: [1, 2] } }, { b: { d: [1, 2], c: 2 }, a: 1 })).toBe(true);
  });

  it('treats an absent optional field and an undefined one alike', () => {
    expect(sameMeaning({ a: 1, b: undefined }, { a: 1 })).toBe(true);
  });

  it('reports a missing field, an unexpected one and a changed value by JSON pointer', () => {
    const d = compareByMeaning({ a: 1, b: 'x', c: { d: true } }, { a: 2, c: { d: true, e: 1 } });
    expect(d).toEqual([
      { path: '/a', kind: 'changed', expected: 1, actual: 2 },
      { path: '/b', kind: 'missing', expected: 'x' },
      { path: '/c/e', kind: 'unexpected', actual: 1 },
    ]);
  });

  it('compares date-times as instants, whatever their precision or offset', () => {
    expect(sameMeaning('2026-12-04T10:00:00Z', '2026-12-04T10:00:00.000+00:00')).toBe(true);
    expect(sameMeaning('2026-12-04T11:00:00+01:00', '2026-12-04T10:00:00Z')).toBe(true);
    expect(sameMeaning('2026-12-04T10:00:01Z', '2026-12-04T10:00:00Z')).toBe(false);
    // A date is not a date-time: no normalising of plain dates into instants.
    expect(sameMeaning('2026-12-04', '2026-12-04T00:00:00Z')).toBe(false);
  });

  it('compares text in Unicode normal form C', () => {
    expect(sameMeaning({ given: 'Zoë' }, { given: 'Zoe\u0308' })).toBe(true);
    expect(sameMeaning({ given: 'Zoë' }, { given: 'Zoe' })).toBe(false);
  });

  it('matches arrays of records as sets, and keeps the order of plain values', () => {
    expect(sameMeaning([{ id: 1 }, { id: 2 }], [{ id: 2 }, { id: 1 }])).toBe(true);
    expect(sameMeaning(['1 High St', 'Leeds'], ['Leeds', '1 High St'])).toBe(false);
  });

  it('names the field that changed inside a record of a set', () => {
    const d = compareByMeaning(
      [
        { id: 1, v: 'a' },
        { id: 2, v: 'b' },
      ],
      [
        { id: 2, v: 'b' },
        { id: 1, v: 'z' },
      ],
    );
    expect(d).toEqual([{ path: '/0/v', kind: 'changed', expected: 'a', actual: 'z' }]);
  });

  it('reports records dropped from or added to a set', () => {
    expect(compareByMeaning([{ id: 1 }, { id: 2 }], [{ id: 1 }])).toEqual([{ path: '/1', kind: 'missing', expected: { id: 2 } }]);
    expect(compareByMeaning([{ id: 1 }], [{ id: 1 }, { id: 3 }])).toEqual([{ path: '/1', kind: 'unexpected', actual: { id: 3 } }]);
    expect(compareByMeaning({ consents: [{ on: '2026-01-01' }] }, { consents: [] })).toHaveLength(1);
  });

  it('leaves out ignored paths, with * for any key or index', () => {
    expect(sameMeaning({ id: 'A', items: [{ at: 1, v: 1 }] }, { id: 'B', items: [{ at: 2, v: 1 }] }, { ignore: ['/id', '/items/*/at'] })).toBe(true);
  });

  it('says identical only when nothing differs', () => {
    expect(describeDifferences([])).toBe('identical');
    expect(describeDifferences(compareByMeaning({ a: 1 }, { a: 2 }))).toBe('1 difference(s): /a changed');
  });

  it('does not equate values of different types', () => {
    expect(sameMeaning({ a: 1 }, { a: '1' })).toBe(false);
    expect(sameMeaning({ a: [] }, { a: {} })).toBe(false);
    expect(sameMeaning(null, {})).toBe(false);
  });
});
