import type { TestDef } from '../../src/engine/types.js';
import { DRIVER_BASE } from '../../src/driver-api/schemas.js';
import type { TransferRequest } from '../../mocks/ecaf/schemas.js';
import { aboutChild, logCaf } from '../ecaf-support.js';

export const noConsentNoTransfer: TestDef = {
  id: 'ECAF-OUT-002.no-consent-no-transfer',
  title: 'An episode without consent in force is not transferred: the system refuses and sends nothing',
  requirements: ['ECAF-OUT-002'],
  async run(t) {
    const episode = t.data.cafCase({ consent: false });
    const { episodeRef } = await logCaf(t, episode);
    t.step('Try to transfer the episode, which has no consent recorded');
    const r = await t.driver.call('POST', `${DRIVER_BASE}/caf-episodes/${encodeURIComponent(episodeRef)}/transfer`);
    t.check('ECAF-OUT-002', r.status >= 400 && r.status < 500, `the system refused the transfer (${r.status})`, { expected: '4xx refusal', actual: r.status });
    await t.mock.settle(t.timeouts.quietMs, t.timeouts.messageMs);
    const sent = (await t.sutEntries()).filter((x) => x.operationId === 'transferEpisodeIn' && aboutChild(episode.child)({ ...x, requestBody: (x.requestBody as TransferRequest | undefined)?.episode }));
    t.check('ECAF-OUT-002', sent.length === 0, sent.length ? 'the unconsented episode was sent to National eCAF' : 'nothing was sent to National eCAF', { expected: 0, actual: sent.length });
  },
};
