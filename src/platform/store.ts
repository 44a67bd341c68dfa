/**
 * SQLite store (better-sqlite3). Writes are group-committed: every mutation queued in the same
 * turn of the event loop runs in one transaction, each inside its own savepoint, and every caller's
 * promise settles only after that transaction has committed. So an acknowledged message is on disk
 * (WAL; survives kill -9 of the process) and throughput does not pay one commit per request.
 *
 * A file store checkpoints in a worker thread (docs/decisions/0007): a checkpoint fsyncs and copies
 * the whole WAL, and run by the committing thread it stalled that commit (figures: docs/benchmarks.md).
 */
import Database from 'better-sqlite3';
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';

const CHECKPOINT_INTERVAL_MS = 1000;
/** Slots of the state shared with the checkpoint worker. */
const CLOSED = 0;
const RESTARTING = 1;
/** The longest a transaction waits for a checkpoint to finish (one stuck or gone is not waited for). */
const RESTART_WAIT_MS = 200;

/**
 * CommonJS, evaluated in the worker: its own connection, a checkpoint every interval. Shared state
 * (Int32 slots): CLOSED is set once its connection is closed; RESTARTING while it finishes a
 * checkpoint, during which the committing thread starts no transaction (Store.tx).
 */
const CHECKPOINTER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file);
// How long a RESTART may wait for a transaction already open; busy past it, it is tried next interval.
db.pragma('busy_timeout = 100');
db.pragma('cache_size = -1024');
const state = new Int32Array(workerData.state);
const checkpoint = () => {
  try {
    // Copies what it can while commits go on; under steady load it never catches up, so the WAL
    // would only grow, each commit slower as it grew (docs/benchmarks.md).
    const [passive] = db.pragma('wal_checkpoint(PASSIVE)');
    if (passive.log === 0) return;
    // Then finishes, with commits held off for the frames written meanwhile (briefly: the frames of
    // one interval), so the next commit writes the WAL from its start again.
    Atomics.store(state, ${RESTARTING}, 1);
    try { db.pragma('wal_checkpoint(RESTART)'); }
    finally { Atomics.store(state, ${RESTARTING}, 0); Atomics.notify(state, ${RESTARTING}); }
  } catch (err) { parentPort.postMessage(String(err && err.message || err)); }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  Atomics.store(state, ${CLOSED}, 1);
  Atomics.notify(state, ${CLOSED});
  parentPort.close();
});
`;

type Job = { fn: () => unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void; refusal?: ((err: unknown) => boolean) | undefined };
type Outcome = { ok: boolean; value: unknown };

/** Rolls a group back so it runs again with a savepoint per job. */
class Rerun extends Error {}

export class Store {
  /** @internal Left out of the published types, which must not need better-sqlite3's (decision 0025). */
  readonly db: Database.Database;
  readonly file: string;
  private queue: Job[] = [];
  private scheduled = false;
  private riders: Array<() => void> = [];
  /** Per open transaction (outermost first): what to do if it rolls back. See onRollback. */
  private frames: Array<Array<() => void>> = [];
  private checkpointer: Worker | undefined;
  /** Shared with the checkpoint worker: slots CLOSED (see close) and RESTARTING (see tx). */
  private readonly checkpointerState = new Int32Array(new SharedArrayBuffer(8));
  private checkpointerFailed = false;

  private readonly checkpointIntervalMs: number;
  /** The lock file held on a file store (see lockDataFile). */
  private readonly lock: string | undefined;

  /** `checkpointIntervalMs`: how often a file store's worker checkpoints (default 1 s; tests shorten it). */
  constructor(file = ':memory:', opts: { checkpointIntervalMs?: number } = {}) {
    this.file = file;
    this.checkpointIntervalMs = opts.checkpointIntervalMs ?? CHECKPOINT_INTERVAL_MS;
    this.lock = file === ':memory:' ? undefined : lockDataFile(file);
    try {
      this.db = new Database(file);
    } catch (err) {
      if (this.lock) releaseLock(this.lock);
      throw err;
    }
    if (file !== ':memory:') {
      // Before WAL, so a new file gets it: a commit writes a few large pages rather than many small ones.
      this.db.pragma('page_size = 16384');
      this.db.pragma('journal_mode = WAL');
      // NORMAL in WAL mode is durable against a process crash (kill -9); only power loss can lose the last commits.
      this.db.pragma('synchronous = NORMAL');
      // 8 MiB of page cache (the default is 2 MiB): writes append to the ends of the log and journal,
      // so the hot pages are few (512 pages of 16 KiB hold every interior page of a 2 GiB file), and
      // every MiB here is RSS once a long bulk load has filled it.
      this.db.pragma('cache_size = -8192');
      // The WAL is reused from its start once checkpointed; past this size it is also cut back.
      this.db.pragma('journal_size_limit = 67108864');
      this.startCheckpointer();
    }
    this.db.pragma('foreign_keys = ON');
  }

  exec(sql: string): void {
    this.db.exec(sql);
  }

  /**
   * Runs fn in the next group commit and resolves with its result once committed. Each job runs in
   * its own savepoint, unless `refusal` says how it refuses: a job that throws only such errors, and
   * only before its first write, needs none (a savepoint costs about as much as the job's insert).
   * Should it throw anything else, the group rolls back and runs again with a savepoint per job.
   */
  commit<T>(fn: () => T, opts: { refusal?: (err: unknown) => boolean } = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject, refusal: opts.refusal });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /**
   * A synchronous transaction, for work that must not wait (control operations, bulk batches).
   * Inside another transaction it is a savepoint: its failure rolls back only its own writes.
   * Always use this rather than db.transaction, so in-memory state (onRollback) follows SQLite.
   */
  tx<T>(fn: () => T): T {
    // While the checkpoint worker finishes a checkpoint it needs the write lock; a transaction begun
    // now would only sleep in SQLite's busy handler, and commits one after another would starve it.
    if (this.frames.length === 0 && this.checkpointerState[RESTARTING] === 1) Atomics.wait(this.checkpointerState, RESTARTING, 1, RESTART_WAIT_MS);
    this.frames.push([]);
    let result: T;
    try {
      result = this.db.transaction(fn)();
    } catch (err) {
      const undo = this.frames.pop()!;
      for (let i = undo.length - 1; i >= 0; i--) undo[i]!();
      throw err;
    }
    const done = this.frames.pop()!;
    // Committed into an enclosing transaction: undone if that one rolls back.
    if (this.frames.length > 0 && done.length > 0) this.frames[this.frames.length - 1]!.push(...done);
    return result;
  }

  /**
   * Registers how to undo an in-memory change made in the current transaction, should it roll back
   * (state kept beside SQLite, such as the directory's indexes). Outside a transaction the change
   * is already final and nothing is kept.
   */
  onRollback(undo: () => void): void {
    this.frames[this.frames.length - 1]?.push(undo);
  }

  /**
   * Lets housekeeping writes that nobody waits for (the journal) ride in the group commit already
   * queued, rather than pay for a commit of their own. Returns false when none is queued: write now.
   * fn runs after the queued jobs, in its own savepoint; if it throws, only its writes roll back.
   */
  rideNextCommit(fn: () => void): boolean {
    if (!this.scheduled || !this.db.open) return false;
    this.riders.push(fn);
    return true;
  }

  private flush(): void {
    this.scheduled = false;
    const jobs = this.queue;
    this.queue = [];
    const riders = this.riders;
    this.riders = [];
    if (!this.db.open) {
      for (const job of jobs) job.reject(new Error('the store is closed'));
      return;
    }
    let outcomes: Outcome[];
    try {
      try {
        outcomes = this.group(jobs, riders, false);
      } catch (err) {
        if (!(err instanceof Rerun)) throw err;
        outcomes = this.group(jobs, riders, true);
      }
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

  /** One transaction over the jobs, then the riders (which run once: a Rerun is thrown before them). */
  private group(jobs: Job[], riders: Array<() => void>, careful: boolean): Outcome[] {
    const outcomes: Outcome[] = [];
    this.tx(() => {
      for (const job of jobs) {
        if (job.refusal && !careful) {
          try {
            outcomes.push({ ok: true, value: job.fn() });
          } catch (err) {
            if (!job.refusal(err)) throw new Rerun();
            outcomes.push({ ok: false, value: err });
          }
          continue;
        }
        try {
          // Nested transaction = SAVEPOINT: one job's failure rolls back only its own writes.
          outcomes.push({ ok: true, value: this.tx(job.fn) });
        } catch (err) {
          // SQLite rolled the whole transaction back itself (SQLITE_FULL, an I/O error): the jobs
          // before this one are undone too, and any after would run outside a transaction.
          if (!this.db.inTransaction) throw err;
          outcomes.push({ ok: false, value: err });
        }
      }
      for (const ride of riders) {
        try {
          this.tx(ride);
        } catch (err) {
          if (!this.db.inTransaction) throw err;
          console.error('[ics-conformance] a write riding the group commit failed:', err);
        }
      }
    });
    return outcomes;
  }

  /** Commits what is queued (its callers are answered), then closes. */
  close(): void {
    if (!this.db.open) return;
    if (this.queue.length > 0 || this.riders.length > 0) this.flush();
    // The worker closes its connection when told; the WAL left behind is replayed on the next open.
    const worker = this.checkpointer;
    if (worker) {
      // From here on, whatever it reports is about a store that is gone (a file removed before the
      // worker got to open it, say): nothing to log, and an unheard 'error' must not crash the process.
      worker.removeAllListeners('message');
      worker.removeAllListeners('error');
      worker.on('error', () => {});
      worker.postMessage('stop');
      // Until the worker's connection is closed it may still write the WAL and its index: a caller
      // that removes the folder next (tests, a reset data directory) would race it. Bounded, so a
      // worker that is stuck or never started cannot hold the close up for long.
      if (!this.checkpointerFailed) Atomics.wait(this.checkpointerState, CLOSED, 0, 2000);
    }
    this.checkpointer = undefined;
    this.db.close();
    if (this.lock) releaseLock(this.lock);
  }

  private startCheckpointer(): void {
    try {
      const module = createRequire(import.meta.url).resolve('better-sqlite3');
      const worker = new Worker(CHECKPOINTER, {
        eval: true,
        workerData: { module, file: this.file, intervalMs: this.checkpointIntervalMs, state: this.checkpointerState.buffer },
        // It allocates next to nothing: a small heap keeps its share of the process's memory small.
        resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
      });
      worker.on('message', (m) => console.error(`[ics-conformance] checkpoint of ${this.file} failed: ${String(m)}`));
      worker.on('error', (err) => {
        this.checkpointerFailed = true;
        Atomics.store(this.checkpointerState, RESTARTING, 0);
        console.error(`[ics-conformance] the checkpoint worker stopped (${err.message}); checkpointing on commit instead`);
        if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
      });
      worker.unref();
      this.db.pragma('wal_autocheckpoint = 0');
      this.checkpointer = worker;
    } catch (err) {
      // Without worker threads, SQLite checkpoints on commit as usual.
      console.error(`[ics-conformance] no checkpoint worker (${(err as Error).message}); checkpointing on commit`);
    }
  }
}

/** SQLite could not grow the file (disk or quota full, or max_page_count reached). */
export function isStorageFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (
    code === 'SQLITE_FULL' || (typeof code === 'string' && code.startsWith('SQLITE_IOERR') && /no space|ENOSPC/i.test(String((err as Error).message)))
  );
}

/** Lock files this process holds: a second store on the same file here is refused as one elsewhere is. */
const heldLocks = new Set<string>();

/**
 * Takes `<file>.lock` (created exclusively, holding this process's ID) so that no second server
 * opens the same data file: two would hand out the same ContactPoint IDs to different children.
 * A lock whose process is gone (kill -9) is taken over.
 */
export function lockDataFile(file: string): string {
  const path = `${file}.lock`;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      heldLocks.add(path);
      return path;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw lockedError(file, path, err);
    }
    const holder = Number(readText(path));
    const alive = holder === process.pid ? heldLocks.has(path) : holder > 0 && processAlive(holder);
    if (alive)
      throw new Error(`${file} is in use by another server (process ${holder}): stop it, or give this one another --data file (lock: ${path})`);
    // Stale: its process is gone. Taken over; should another process take it first, the retry says so.
    try {
      unlinkSync(path);
    } catch {
      // Already removed by whoever took it over.
    }
  }
}

function lockedError(file: string, path: string, err: unknown): Error {
  const holder = Number(readText(path));
  if (holder > 0)
    return new Error(`${file} is in use by another server (process ${holder}): stop it, or give this one another --data file (lock: ${path})`);
  return new Error(`cannot lock ${file} (${path}): ${(err as Error).message}`);
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function releaseLock(path: string): void {
  heldLocks.delete(path);
  try {
    if (Number(readText(path)) === process.pid) unlinkSync(path);
  } catch {
    // Gone already: nothing to release.
  }
}
