/** The group commit: savepoints per job, the savepoint-free path for jobs that refuse before writing, and rollback hooks. */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { Store } from '../src/platform/store.js';

class Refusal extends Error {}
const refusal = (err: unknown) => err instanceof Refusal;

function store(): Store {
  const s = new Store();
  s.exec('CREATE TABLE t (v TEXT NOT NULL)');
  return s;
}
const rows = (s: Store) => s.db.prepare('SELECT v FROM t ORDER BY v').pluck().all() as string[];
const insert = (s: Store, v: string) => s.db.prepare('INSERT INTO t (v) VALUES (?)').run(v);

describe('group commit', () => {
  it('commits every job queued in one turn in one transaction; a refusal before writing costs the others nothing', async () => {
    const s = store();
    const results = await Promise.allSettled([
      s.commit(() => insert(s, 'a'), { refusal }),
      s.commit(
        () => {
          throw new Refusal('no');
        },
        { refusal },
      ),
      s.commit(() => insert(s, 'c'), { refusal }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(rows(s)).toEqual(['a', 'c']);
  });

  it('a job that fails some other way after writing is rolled back alone: the group runs again with savepoints', async () => {
    const s = store();
    const undone: string[] = [];
    let runs = 0;
    const results = await Promise.allSettled([
      s.commit(
        () => {
          insert(s, 'a');
          s.onRollback(() => undone.push('a'));
        },
        { refusal },
      ),
      s.commit(
        () => {
          runs++;
          insert(s, 'half-written');
          s.onRollback(() => undone.push('half-written'));
          throw new Error('disk on fire');
        },
        { refusal },
      ),
      s.commit(() => insert(s, 'c')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('disk on fire'));
    expect(rows(s)).toEqual(['a', 'c']);
    // Run twice (first pass, then the careful pass); its in-memory change undone both times, a's once (the first pass).
    expect(runs).toBe(2);
    expect(undone.sort()).toEqual(['a', 'half-written', 'half-written']);
  });

  it('onRollback hooks of a committed savepoint run if the enclosing transaction rolls back, and not otherwise', () => {
    const s = store();
    const undone: string[] = [];
    s.tx(() => {
      s.tx(() => s.onRollback(() => undone.push('kept')));
    });
    expect(undone).toEqual([]);
    expect(() =>
      s.tx(() => {
        s.tx(() => s.onRollback(() => undone.push('inner')));
        throw new Error('outer fails');
      }),
    ).toThrow('outer fails');
    expect(undone).toEqual(['inner']);
  });
});

describe('closing a file store', () => {
  it('says nothing once closed, even when the file goes before its checkpoint worker could open it', async () => {
    const errors: unknown[][] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void errors.push(args));
    try {
      for (let i = 0; i < 5; i++) {
        const dir = mkdtempSync(join(tmpdir(), 'ics-store-'));
        const s = new Store(join(dir, 's.sqlite'));
        s.close();
        rmSync(dir, { recursive: true, force: true });
      }
      // The workers start, fail to open the removed files, and stop: give them the time to.
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      spy.mockRestore();
    }
    expect(errors).toEqual([]);
  });
});

describe('checkpoints under steady load', () => {
  it('keep the WAL bounded: commits that never pause still let it start again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ics-store-'));
    const file = join(dir, 's.sqlite');
    const s = new Store(file, { checkpointIntervalMs: 50 });
    try {
      s.exec('CREATE TABLE t (v TEXT NOT NULL)');
      const put = s.db.prepare('INSERT INTO t (v) VALUES (?)');
      const row = () => randomBytes(2048).toString('hex');
      const target = 256 * 1024 * 1024;
      let written = 0;
      let largest = 0;
      // Commit after commit with no pause, each next group queued before the last one is answered:
      // a passive checkpoint alone never catches up with that, and the WAL would hold everything
      // written. A bound in bytes, not a share of what was written: once checkpoints keep up, the
      // file sits near journal_size_limit (64 MiB) however fast or slow the disk is.
      const until = Date.now() + 20_000;
      while (written < target && Date.now() < until) {
        await Promise.all(Array.from({ length: 8 }, () => s.commit(() => put.run(row()))));
        written += 8 * 4096;
        largest = Math.max(largest, statSync(`${file}-wal`).size);
      }
      expect(written).toBeGreaterThanOrEqual(target);
      expect(largest).toBeLessThan(128 * 1024 * 1024);
      expect(s.db.prepare('SELECT COUNT(*) FROM t').pluck().get()).toBe(written / 4096);
    } finally {
      s.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
