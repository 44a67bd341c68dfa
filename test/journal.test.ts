/** CTL-003: the request journal's retention limit, across commits, restarts and resets. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../src/platform/store.js';
import { BODY_REF, Journal, RAW_BODY, type NewJournalEntry } from '../src/platform/journal.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const file = () => {
  const d = mkdtempSync(join(tmpdir(), 'ics-journal-'));
  dirs.push(d);
  return join(d, 'j.sqlite');
};

const entry = (sessionId: string, n: number): NewJournalEntry => ({
  sessionId,
  at: '2026-11-25T00:00:00.000Z',
  durationMs: 1,
  service: 'contactpoint',
  operationId: 'submitInvolvement',
  method: 'POST',
  path: '/contactpoint/v1/involvements',
  query: {},
  requestHeaders: {},
  status: 202,
  verdict: 'accepted',
  requestBody: { n },
});

/** Records n entries, committing every `every` of them as the server's group commits do. */
function record(journal: Journal, sessionId: string, from: number, n: number, every = 7): void {
  for (let i = 0; i < n; i++) {
    journal.record(entry(sessionId, from + i));
    if (i % every === every - 1) journal.flush();
  }
  journal.flush();
}

const seqs = (journal: Journal, sessionId: string) => journal.list(sessionId, { limit: 10_000 }).entries.map((e) => e.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
/** Entries physically stored (in pages), listed or not. */
const rows = (store: Store, sessionId: string) =>
  (
    store.db.prepare('SELECT COALESCE(SUM(json_array_length(entries)), 0) AS n FROM journal_pages WHERE session_id = ?').get(sessionId) as {
      n: number;
    }
  ).n;

describe('journal retention', () => {
  it('CTL-003: lists exactly the last N entries and counts the rest as dropped, while old rows are deleted in chunks', () => {
    const store = new Store(file());
    const journal = new Journal(store, 100);
    // 351: the last chunk is not yet due, so a row past the limit is still stored (and must not be listed).
    record(journal, 's', 1, 351);
    expect(seqs(journal, 's')).toEqual(range(252, 351));
    expect(journal.list('s').dropped).toBe(251);
    // Entries beyond the limit go in chunks of limit/50, a page at a time: never more than one chunk
    // and the page that straddles it are left over (pages hold 7 entries here).
    expect(rows(store, 's')).toBeGreaterThan(100);
    expect(rows(store, 's')).toBeLessThanOrEqual(100 + 2 + 7);
    // A reader asking from before the floor starts at the floor.
    expect(journal.list('s', { since: 10, limit: 3 }).entries.map((e) => e.seq)).toEqual([252, 253, 254]);
    // Another session keeps its own count.
    record(journal, 't', 1, 30);
    expect(journal.list('t').dropped).toBe(0);
    expect(seqs(journal, 't')).toEqual(range(1, 30));
    store.close();
  });

  it('CTL-003: a restart lists the same entries with the same count, and carries on from there', () => {
    const f = file();
    let store = new Store(f);
    record(new Journal(store, 100), 's', 1, 333);
    store.close();
    store = new Store(f);
    let journal = new Journal(store, 100);
    expect(seqs(journal, 's')).toEqual(range(234, 333));
    expect(journal.list('s').dropped).toBe(233);
    record(journal, 's', 334, 10, 3);
    expect(seqs(journal, 's')).toEqual(range(244, 343));
    expect(journal.list('s').dropped).toBe(243);
    store.close();
    // A smaller limit after a restart applies from the next commit.
    store = new Store(f);
    journal = new Journal(store, 50);
    record(journal, 's', 344, 1);
    expect(seqs(journal, 's')).toEqual(range(295, 344));
    expect(journal.list('s').dropped).toBe(294);
    store.close();
  });

  it('CTL-003: a reset empties the journal and its count; numbering carries on', () => {
    const store = new Store(file());
    const journal = new Journal(store, 100);
    record(journal, 's', 1, 150);
    journal.clear('s');
    expect(journal.list('s')).toMatchObject({ entries: [], dropped: 0 });
    record(journal, 's', 151, 5);
    expect(seqs(journal, 's')).toEqual(range(151, 155));
    expect(journal.list('s').dropped).toBe(0);
    store.close();
  });

  it('CTL-003: a journal written before chunked retention (exact deletes, no floor column) opens with the same entries and count', () => {
    const f = file();
    const old = new Store(f);
    old.exec(`
      CREATE TABLE journal (session_id TEXT NOT NULL, seq INTEGER NOT NULL, entry TEXT NOT NULL, PRIMARY KEY (session_id, seq));
      CREATE TABLE journal_meta (session_id TEXT PRIMARY KEY, dropped INTEGER NOT NULL);
    `);
    const insert = old.db.prepare('INSERT INTO journal VALUES (?, ?, ?)');
    for (const seq of range(41, 60)) insert.run('s', seq, JSON.stringify({ seq, sessionId: 's', requestBody: { seq } }));
    old.db.prepare('INSERT INTO journal_meta VALUES (?, ?)').run('s', 40);
    old.close();
    const store = new Store(f);
    const journal = new Journal(store, 20);
    expect(seqs(journal, 's')).toEqual(range(41, 60));
    expect(journal.list('s').dropped).toBe(40);
    record(journal, 's', 61, 5);
    expect(seqs(journal, 's')).toEqual(range(46, 65));
    expect(journal.list('s').dropped).toBe(45);
    store.close();
  });
});

describe('journal pages', () => {
  it('CTL-003: every field survives a page, with raw bodies as sent (newlines too) and bodies a service keeps', () => {
    const store = new Store(file());
    const journal = new Journal(store, 1000);
    const kept = new Map([[7, '{"kept":true}']]);
    journal.bodySource('test-log', (ref) => kept.get(ref));
    const full: NewJournalEntry = {
      ...entry('s', 0),
      clientId: 'ics',
      practitionerId: 'P-1',
      query: { a: 'b' },
      requestHeaders: { 'content-type': 'application/json' },
      responseBody: { receiptId: 'r1' },
      problems: [{ path: '/x', rule: 'required', requirement: 'CP-FEED-001', message: 'missing' }],
      fault: 'error 503',
      verdict: 'rejected',
    };
    journal.record({ ...full });
    journal.record({ ...full, requestBody: { pretty: [1, 2] }, [RAW_BODY]: '{\n  "pretty": [1,\n 2]\n}' });
    journal.record({ ...full, requestBody: { kept: true }, [BODY_REF]: { source: 'test-log', ref: 7 } });
    journal.flush();
    const listed = journal.list('s').entries;
    const { [RAW_BODY]: _raw, [BODY_REF]: _ref, ...plain } = full as NewJournalEntry & Record<symbol, unknown>;
    expect(listed).toEqual([
      { ...plain, seq: 1 },
      { ...plain, seq: 2, requestBody: { pretty: [1, 2] } },
      { ...plain, seq: 3, requestBody: { kept: true } },
    ]);
    // The kept body is stored as a reference, not repeated.
    expect(store.db.prepare('SELECT entries FROM journal_pages').pluck().get()).not.toContain('"kept"');
    store.close();
  });

  it('CTL-003: since and limit cut across pages exactly', () => {
    const store = new Store(file());
    const journal = new Journal(store, 1000);
    record(journal, 's', 1, 40, 6);
    for (const since of [0, 1, 5, 6, 7, 17, 35, 39, 40])
      for (const limit of [1, 2, 6, 13, 100]) {
        const want = range(since + 1, Math.min(40, since + limit));
        expect(
          journal.list('s', { since, limit }).entries.map((e) => e.seq),
          `since ${since} limit ${limit}`,
        ).toEqual(want);
      }
    store.close();
  });
});
