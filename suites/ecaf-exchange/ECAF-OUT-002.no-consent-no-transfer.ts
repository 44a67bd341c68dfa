import type { TestDef } from '../../src/harness/engine/types.js';
import { addDays } from '../../src/platform/clock.js';
import type { TestContext } from '../../src/harness/engine/context.js';
import { driverCall } from '../../src/harness/driver-api/operations.js';
import type { ExchangeEpisode } from '../../mocks/ecaf/schemas.js';
import { aboutChild, logCaf } from '../ecaf-support.js';

/** Asks the system to transfer an episode that has no consent in force: it must refuse, and nothing may reach National eCAF. */
async function refusesTransfer(t: TestContext, episode: ExchangeEpisode, why: string): Promise<void> {
  const { episodeRef } = await logCaf(t, episode);
  t.step(`Try to transfer the episode, ${why}`);
  const call = driverCall('transferCafEpisode', { episodeRef });
  const r = await t.driver.call(call.method, call.path);
  t.check('ECAF-OUT-002', r.status >= 400 && r.status < 500, `the system refused the transfer of an episode ${why} (${r.status})`, {
    expected: '4xx refusal',
    actual: r.status,
  });
  const sent = await t.sentWithin((x) => x.operationId === 'transferEpisodeIn' && aboutChild(episode.child)(x));
  t.check(
    'ECAF-OUT-002',
    !sent,
    sent
      ? `an episode ${why} was sent to National eCAF`
      : `nothing was sent to National eCAF for the episode ${why} within ${t.timeouts.messageMs} ms`,
    { ...(sent ? { exchange: sent.seq } : {}), expected: 'nothing sent', actual: sent ? 'sent' : 'none' },
  );
}

export const noConsentNoTransfer: TestDef = {
  id: 'ECAF-OUT-002.no-consent-no-transfer',
  title: 'An episode without consent in force (none recorded, or withdrawn) is not transferred: the system refuses and sends nothing',
  requirements: ['ECAF-OUT-002'],
  async run(t) {
    await refusesTransfer(t, t.data.cafCase({ consent: false }), 'with no consent recorded');
    // Consent that was given and then withdrawn is not in force either.
    const withdrawn = t.data.cafCase();
    const yesterday = addDays(t.data.today, -1);
    withdrawn.consents = withdrawn.consents.map((c) => ({
      ...c,
      withdrawnOn: c.withdrawnOn && c.withdrawnOn < yesterday ? c.withdrawnOn : yesterday,
    }));
    await refusesTransfer(t, withdrawn, 'whose consent was withdrawn');
  },
};
