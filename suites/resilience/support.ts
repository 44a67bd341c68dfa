import type { JournalEntry } from '../../src/core/journal.js';
import type { TestContext } from '../../src/engine/context.js';
import { TestContext as Ctx } from '../../src/engine/context.js';
import type { ChildIdentity } from '../../src/schemas/common.js';

/** Every attempt the SUT made to send an involvement about the child (faulted ones included). */
export async function attemptsAbout(t: TestContext, child: ChildIdentity): Promise<JournalEntry[]> {
  return (await t.sutEntries()).filter((e) => e.operationId === 'submitInvolvement' && Ctx.aboutChild(child)(e));
}

export const gapMs = (a: JournalEntry, b: JournalEntry) => Date.parse(b.at) - Date.parse(a.at) - a.durationMs;
export const messageIdOf = (e: JournalEntry) => (e.requestBody as { messageId?: string } | undefined)?.messageId;
export const isNew = (e: JournalEntry) => e.status === 202;
