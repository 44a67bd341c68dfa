import type { TestDef } from '../../src/harness/engine/types.js';
import { caseChild, referChild } from '../support.js';
import { attemptAbout, attemptsAbout, gapMs, messageIdOf, sameRecord } from './support.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

export const giveUp: TestDef = {
  id: 'RES-004.give-up',
  title: 'When ContactPoint stays down the system stops within its retry budget and reports the message undelivered',
  requirements: ['RES-004'],
  async run(t) {
    const child = caseChild(t);
    await t.faultFor(child, { operationId: 'submitInvolvement', kind: 'error', status: 503 });
    t.step('ContactPoint answers every attempt about this child with 503 until further notice');
    await referChild(t, { child, requirement: 'RES-004', expect: false });
    const first = await t.expectMessage('RES-004', 'a first attempt', attemptAbout(child));
    if (!first) return;
    // Judged after the declared budget has run out, never on a pause: a slow retrier is not a stopped one.
    const budgetMs = t.timeouts.giveUpMs;
    const deadline = Date.parse(first.at) + budgetMs;
    await sleep(deadline - Date.now());
    const within = sameRecord(await attemptsAbout(t, child), first);
    // Then as long again as its longest wait so far (at least the quiet period): a system still on its schedule shows itself.
    const longestGap = Math.max(0, ...within.slice(1).map((e, i) => gapMs(within[i]!, e)));
    await sleep(Math.min(Math.max(t.timeouts.quietMs, longestGap + t.timeouts.quietMs), budgetMs));
    const attempts = sameRecord(await attemptsAbout(t, child), first);
    const after = attempts.filter((e) => Date.parse(e.at) > deadline);
    t.check(
      'RES-004',
      after.length === 0,
      after.length
        ? `still retrying after its budget of ${budgetMs} ms (${attempts.length} attempts)`
        : `stopped within its budget of ${budgetMs} ms after ${attempts.length} attempt(s)`,
      {
        expected: `no attempt later than ${budgetMs} ms after the first`,
        actual: `${attempts.length} attempts, ${after.length} after the budget`,
      },
    );
    const max = t.retry.maxAttempts;
    if (max !== undefined)
      t.check('RES-004', attempts.length <= max, `${attempts.length} attempt(s) of a declared budget of ${max}`, {
        expected: `≤ ${max}`,
        actual: attempts.length,
      });
    const ids = new Set(attempts.map(messageIdOf).filter((x): x is string => typeof x === 'string'));
    const deliveries = await t.driver.deliveries();
    const mine = Array.isArray(deliveries) ? deliveries.find((d) => ids.has(d?.messageId)) : undefined;
    const state = mine?.state;
    t.check(
      'RES-004',
      state === 'failed' || state === 'pending',
      !mine
        ? 'the message is gone: the system no longer reports it (lost, not kept)'
        : state === 'delivered'
          ? 'the system reports as delivered a message ContactPoint never accepted'
          : `the system reports the message as ${String(state)} (kept, not lost)`,
      {
        expected: 'reported failed (or pending a later attempt)',
        actual: mine ?? 'not in the delivery report',
      },
    );
  },
};
