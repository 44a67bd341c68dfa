import type { JournalEntry } from '../../src/platform/journal.js';
import type { ChildIdentity } from '../../src/platform/schemas/common.js';
import { TestContext as Ctx, type TestContext } from '../../src/harness/engine/context.js';

/** Every attempt the SUT made to send an involvement about the child (faulted ones included). */
export async function attemptsAbout(t: TestContext, child: ChildIdentity): Promise<JournalEntry[]> {
  return (await t.sutEntries()).filter((e) => e.operationId === 'submitInvolvement' && Ctx.aboutChild(child)(e));
}

/** Attempts at the same involvement record as `first`: its retries, whatever message ID they carry. */
export function sameRecord(attempts: JournalEntry[], first: JournalEntry): JournalEntry[] {
  const id = recordIdOf(first);
  return attempts.filter((e) => recordIdOf(e) === id);
}

/** A predicate for the SUT's involvement attempts about this child, optionally only those that met the fault. */
export function attemptAbout(child: ChildIdentity, pred: (e: JournalEntry) => boolean = () => true): (e: JournalEntry) => boolean {
  const about = Ctx.aboutChild(child);
  return (e) => e.operationId === 'submitInvolvement' && about(e) && pred(e);
}

/**
 * Whether waits between attempts show a backoff (RES-003), judged by what the waits mean rather than
 * by one timing habit: the last wait is clearly longer than the shortest before it. Jittered strategies (full or
 * decorrelated jitter) need not make every wait longer than the one before, and every wait measured
 * here also carries the system's own latency, which under load adds the same hundreds of
 * milliseconds to each and shrinks their ratio: a fixed delay shows a last wait about equal to the first.
 */
export function backsOff(gaps: number[]): boolean {
  return gaps.length >= 2 && gaps[gaps.length - 1]! >= 1.5 * Math.min(...gaps.slice(0, -1));
}

export const gapMs = (a: JournalEntry, b: JournalEntry) => Date.parse(b.at) - Date.parse(a.at) - a.durationMs;
export const messageIdOf = (e: JournalEntry | undefined) => (e?.requestBody as { messageId?: unknown } | undefined)?.messageId as string | undefined;
const recordIdOf = (e: JournalEntry) => (e.requestBody as { sourceRecordId?: unknown } | undefined)?.sourceRecordId;
export const isNew = (e: JournalEntry) => e.status === 202;
