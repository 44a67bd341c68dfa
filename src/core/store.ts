/**
 * SQLite store (better-sqlite3). Writes are group-committed: every mutation queued in the same
 * turn of the event loop runs in one transaction, each inside its own savepoint, and every caller's
 * promise settles only after that transaction has committed. So an acknowledged message is on disk
 * (WAL; survives kill -9 of the process) and throughput does not pay one commit per request.
 */
import Database from 'better-sqlite3';

type Job = { fn: () => unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void };

export class Store {
  readonly db: Database.Database;
  readonly file: string;
  private queue: Job[] = [];
  private scheduled = false;

  constructor(file = ':memory:') {
    this.file = file;
    this.db = new Database(file);
    if (file !== ':memory:') {
      this.db.pragma('journal_mode = WAL');
      // NORMAL in WAL mode is durable against a process crash (kill -9); only power loss can lose the last commits.
      this.db.pragma('synchronous = NORMAL');
    }
    this.db.pragma('foreign_keys = ON');
  }

  exec(sql: string): void {
    this.db.exec(sql);
  }

  /** Runs fn in the next group commit and resolves with its result once committed. */
  commit<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** A synchronous transaction, for work that must not wait (control operations, bulk batches). */
  tx<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  private flush(): void {
    this.scheduled = false;
    const jobs = this.queue;
    this.queue = [];
    const outcomes: Array<{ ok: boolean; value: unknown }> = [];
    try {
      this.db.transaction(() => {
        for (const job of jobs) {
          try {
            // Nested transaction = SAVEPOINT: one job's failure rolls back only its own writes.
            outcomes.push({ ok: true, value: this.db.transaction(job.fn)() });
          } catch (err) {
            outcomes.push({ ok: false, value: err });
          }
        }
      })();
    } catch (err) {
      for (const job of jobs) job.reject(err);
      return;
    }
    jobs.forEach((job, i) => {
      const o = outcomes[i]!;
      if (o.ok) job.resolve(o.value);
      else job.reject(o.value);
    });
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
