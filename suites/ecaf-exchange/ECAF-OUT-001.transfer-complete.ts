import { compareByMeaning, describeDifferences } from '../../src/harness/engine/compare.js';
import type { TestDef } from '../../src/harness/engine/types.js';
import type { ExchangeEpisode, TransferRequest } from '../../mocks/ecaf/schemas.js';
import { aboutChild, driverOk, logCaf } from '../ecaf-support.js';

export const transferComplete: TestDef = {
  id: 'ECAF-OUT-001.transfer-complete',
  title: 'A consented episode transferred into National eCAF arrives complete and faithful',
  requirements: ['ECAF-OUT-001', 'ECAF-SCHEMA-001'],
  async run(t) {
    const episode = t.data.cafCase();
    const { episodeRef } = await logCaf(t, episode);
    t.step('The child moves to an authority that uses National eCAF: transfer the episode');
    const afterSeq = t.mock.lastSeq();
    await driverOk(t, 'transferCafEpisode', { episodeRef });
    const e = await t.expectMessage(
      'ECAF-OUT-001',
      'the episode transfer to National eCAF',
      (x) =>
        x.operationId === 'transferEpisodeIn' &&
        x.status < 300 &&
        aboutChild(episode.child)({ ...x, requestBody: (x.requestBody as TransferRequest).episode }),
      { afterSeq },
    );
    if (!e) return;
    t.check('ECAF-SCHEMA-001', e.status === 201 || e.status === 200, 'National eCAF accepted the transfer', { exchange: e.seq, actual: e.status });
    const sent = (e.requestBody as TransferRequest).episode;
    const at = { exchange: e.seq };
    // Judged by meaning: another key order, precision of a date-time or order of a TAC is the same episode.
    const part = (label: string, path: string, key: keyof ExchangeEpisode) => {
      const diffs = compareByMeaning(episode[key], sent?.[key]);
      t.check('ECAF-OUT-001', diffs.length === 0, `${label} is as held${diffs.length ? `: ${describeDifferences(diffs)}` : ''}`, {
        ...at,
        path,
        expected: 'as held',
        actual: describeDifferences(diffs),
      });
    };
    part('the assessment', '/episode/assessment', 'assessment');
    part('the Team Around the Child', '/episode/tac', 'tac');
    part('the delivery plan', '/episode/deliveryPlan', 'deliveryPlan');
    part('the reviews', '/episode/reviews', 'reviews');
    part('consent', '/episode/consents', 'consents');
    part('the child', '/episode/child', 'child');
  },
};
