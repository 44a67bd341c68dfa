/**
 * The directory's storage (docs/decisions/0007): the in-memory indexes agree with a plain Map model,
 * follow SQLite when a transaction rolls back, and are rebuilt from the log after a restart.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HashIndex, hash64 } from '../../mocks/contactpoint/domain/hash-index.js';
import { createMockServices, type MockServices } from '../../src/mock-server/mock.js';
import { involvement, testNhs, testUpn } from '../support/messages.js';
import type { Client, SessionContext } from '../../src/platform/sessions.js';

const dir = mkdtempSync(join(tmpdir(), 'ics-directory-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('HashIndex', () => {
  it('answers like a Map of sets through adds, deletes and growth', () => {
    const op = fc.oneof(
      fc.record({ op: fc.constant('add' as const), key: fc.integer({ min: 0, max: 60 }), value: fc.integer({ min: 0, max: 9 }) }),
      fc.record({ op: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 60 }), value: fc.integer({ min: 0, max: 9 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const ix = new HashIndex(16);
        const model = new Map<number, Set<number>>();
        for (const { op: kind, key, value } of ops) {
          const k = hash64(`key-${key}`);
          if (kind === 'add') {
            ix.add(k, value);
            model.set(key, (model.get(key) ?? new Set()).add(value));
          } else {
            expect(ix.delete(k, value)).toBe(model.get(key)?.delete(value) ?? false);
          }
        }
        let live = 0;
        for (let key = 0; key <= 60; key++) {
          const want = [...(model.get(key) ?? [])].sort();
          live += want.length;
          expect(ix.all(hash64(`key-${key}`)).sort()).toEqual(want);
          expect(ix.first(hash64(`key-${key}`))).toBe(want.length ? ix.all(hash64(`key-${key}`))[0] : -1);
        }
        expect(ix.size).toBe(live);
      }),
      { numRuns: 300 },
    );
  });

  it('holds 200,000 distinct keys without losing one', () => {
    const ix = new HashIndex();
    for (let i = 0; i < 200_000; i++) ix.add(hash64(`m:ics:${i}`), i);
    expect(ix.size).toBe(200_000);
    for (let i = 0; i < 200_000; i += 997) expect(ix.all(hash64(`m:ics:${i}`))).toEqual([i]);
    expect(ix.first(hash64('m:ics:200000'))).toBe(-1);
  });
});

function setup(mock: MockServices): { session: SessionContext; ics: Client; neighbour: Client } {
  const { session } = mock.createSession({});
  const ctx = mock.sessions.get(session.id)!;
  const clients = mock.sessions.info(session.id)!.clients;
  const find = (id: string): Client => clients.find((c) => c.id === id)!;
  return { session: ctx, ics: find('ics'), neighbour: find('ics-neighbour') };
}

describe('directory storage', () => {
  it('CP-FEED-001: a rolled-back transaction leaves no trace in the indexes: the same message is new again', () => {
    const mock = createMockServices();
    const { session, ics } = setup(mock);
    const msg = involvement({ child: { identifiers: { nhsNumber: testNhs(700) } } });
    expect(() =>
      mock.store.tx(() => {
        expect(mock.directory.ingest(session, ics, 'involvement', msg).receipt.status).toBe('accepted');
        throw new Error('the caller fails after the ingest');
      }),
    ).toThrow('the caller fails');
    expect(mock.directory.children(session.id)).toEqual([]);
    const again = mock.store.tx(() => mock.directory.ingest(session, ics, 'involvement', msg));
    expect(again).toMatchObject({ repeat: false, receipt: { status: 'accepted', contactPointId: expect.stringMatching(/^CP000000001/) } });
    mock.close();
  });

  it('CP-FEED-001: a savepoint that rolls back inside a committed transaction undoes only its own message', () => {
    const mock = createMockServices();
    const { session, ics } = setup(mock);
    const kept = involvement({ child: { identifiers: { nhsNumber: testNhs(710) } } });
    const dropped = involvement({ child: { identifiers: { nhsNumber: testNhs(711) } } });
    mock.store.tx(() => {
      mock.directory.ingest(session, ics, 'involvement', kept);
      try {
        mock.store.tx(() => {
          mock.directory.ingest(session, ics, 'involvement', dropped);
          throw new Error('inner');
        });
      } catch {
        /* the inner savepoint rolled back */
      }
    });
    expect(mock.directory.children(session.id).map((c) => c.identity.identifiers.nhsNumber)).toEqual([testNhs(710)]);
    expect(mock.directory.ingest(session, ics, 'involvement', kept).repeat).toBe(true);
    expect(mock.directory.ingest(session, ics, 'involvement', dropped).repeat).toBe(false);
    mock.close();
  });

  it('CP-FEED-001: a resend laid out differently is a repeat; the same message ID with other content is refused', () => {
    const mock = createMockServices();
    const { session, ics } = setup(mock);
    const msg = involvement({ child: { identifiers: { nhsNumber: testNhs(730) } } });
    const first = mock.store.tx(() => mock.directory.ingest(session, ics, 'involvement', msg, JSON.stringify(msg, null, 2)));
    const again = mock.store.tx(() => mock.directory.ingest(session, ics, 'involvement', msg, JSON.stringify(msg)));
    expect(again).toEqual({ repeat: true, receipt: { ...first.receipt, repeat: true } });
    const changed = { ...msg, sentAt: '2026-11-22T10:00:00Z' };
    expect(() => mock.store.tx(() => mock.directory.ingest(session, ics, 'involvement', changed, JSON.stringify(changed)))).toThrow(
      /already received with different content/,
    );
    mock.close();
  });

  it('after a restart the directory answers exactly as before (matching, repeats, reviews, shielding, views)', () => {
    const data = join(dir, 'replay.sqlite');
    let mock = createMockServices({ data });
    const { session, ics, neighbour } = setup(mock);
    const sid = session.id;
    const a = involvement({ sourceRecordId: 'A-1', child: { identifiers: { nhsNumber: testNhs(720), upn: testUpn(720) } } });
    const aLater = involvement({
      sourceRecordId: 'A-1',
      sentAt: '2026-11-21T10:00:00Z',
      child: { ...a.child, name: { given: 'Amelia', family: 'Renamed' }, identifiers: { nhsNumber: testNhs(720) } },
    });
    const b = involvement({ sourceRecordId: 'B-1', child: { identifiers: { nhsNumber: testNhs(721) } } });
    // Same NHS number as a, a different date of birth: held for review, then resolved onto a new child.
    const conflict = involvement({ sourceRecordId: 'C-1', child: { dateOfBirth: '2013-01-01', identifiers: { nhsNumber: testNhs(720) } } });
    const write = (fn: () => unknown) => mock.store.tx(fn);
    const ra = write(() => mock.directory.ingest(session, ics, 'involvement', a)) as { receipt: { contactPointId: string } };
    write(() => mock.directory.ingest(session, ics, 'involvement', aLater));
    write(() => mock.directory.ingest(session, neighbour, 'involvement', b));
    const held = write(() => mock.directory.ingest(session, neighbour, 'involvement', conflict)) as { receipt: { status: string; reviewId: string } };
    expect(held.receipt.status).toBe('queued-for-review');
    write(() => mock.directory.resolveReview(session, held.receipt.reviewId, { createNew: true }));
    write(() => mock.directory.setShielded(session, ra.receipt.contactPointId, true));

    const viewer = { client: ics, practitionerId: 'P1' };
    const snapshot = () => ({
      children: mock.directory.children(sid),
      reviews: mock.directory.reviews(sid),
      own: mock.directory.sourceRecord(sid, ics.id, 'A-1'),
      views: mock.directory.children(sid).map((c) => mock.directory.read(session, viewer, c.contactPointId)),
      search: mock.directory.search(session, viewer, { familyName: 'Renamed', dateOfBirth: '2014-05-02' }),
    });
    const before = snapshot();
    expect(before.children).toHaveLength(3);
    expect(before.children[0]!.identity.name.family).toBe('Renamed');
    expect(before.search.results.map((r) => r.contactPointId)).toEqual([ra.receipt.contactPointId]);
    mock.close();

    mock = createMockServices({ data });
    const restarted = mock.sessions.get(sid)!;
    const after = {
      children: mock.directory.children(sid),
      reviews: mock.directory.reviews(sid),
      own: mock.directory.sourceRecord(sid, ics.id, 'A-1'),
      views: mock.directory.children(sid).map((c) => mock.directory.read(restarted, viewer, c.contactPointId)),
      search: mock.directory.search(restarted, viewer, { familyName: 'Renamed', dateOfBirth: '2014-05-02' }),
    };
    expect(after).toEqual(before);
    // Repeats are still recognised, and the upn dropped by the later message no longer matches.
    expect(mock.store.tx(() => mock.directory.ingest(restarted, ics, 'involvement', a)).repeat).toBe(true);
    const byOldUpn = involvement({
      child: { name: { given: 'Other', family: 'Child' }, dateOfBirth: '2012-02-02', identifiers: { upn: testUpn(720) } },
    });
    expect(mock.store.tx(() => mock.directory.ingest(restarted, ics, 'involvement', byOldUpn)).receipt).toMatchObject({
      matchedBy: 'new-child',
      contactPointId: expect.stringMatching(/^CP000000004/),
    });
    mock.close();
  });
});
