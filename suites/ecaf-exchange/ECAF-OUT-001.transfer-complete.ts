import type { TestDef } from '../../src/engine/types.js';
import type { TransferRequest } from '../../mocks/ecaf/schemas.js';
import { aboutChild, driverOk, logCaf } from '../ecaf-support.js';

const sorted = (xs: string[]) => [...xs].sort();

export const transferComplete: TestDef = {
  id: 'ECAF-OUT-001.transfer-complete',
  title: 'A consented episode transferred into National eCAF arrives complete and faithful',
  requirements: ['ECAF-OUT-001', 'ECAF-SCHEMA-001'],
  async run(t) {
    const episode = t.data.cafCase();
    const { episodeRef } = await logCaf(t, episode);
    t.step('The child moves to an authority that uses National eCAF: transfer the episode');
    const afterSeq = t.mock.lastSeq();
    await driverOk(t, 'POST', `/caf-episodes/${encodeURIComponent(episodeRef)}/transfer`);
    const e = await t.expectMessage('ECAF-OUT-001', 'the episode transfer to National eCAF', (x) => x.operationId === 'transferEpisodeIn' && x.status < 300 && aboutChild(episode.child)({ ...x, requestBody: (x.requestBody as TransferRequest).episode }), { afterSeq });
    if (!e) return;
    t.check('ECAF-SCHEMA-001', e.status === 201 || e.status === 200, 'National eCAF accepted the transfer', { exchange: e.seq, actual: e.status });
    const sent = (e.requestBody as TransferRequest).episode;
    const at = { exchange: e.seq };
    t.check('ECAF-OUT-001', JSON.stringify(sent.assessment) === JSON.stringify(episode.assessment), 'the assessment is as held', { ...at, path: '/episode/assessment', expected: 'identical', actual: sent.assessment === undefined ? 'missing' : 'differs' });
    t.check('ECAF-OUT-001', JSON.stringify(sorted(sent.tac.map((m) => m.practitionerId))) === JSON.stringify(sorted(episode.tac.map((m) => m.practitionerId))), 'the Team Around the Child is as held', { ...at, path: '/episode/tac', expected: episode.tac.map((m) => m.practitionerId), actual: sent.tac.map((m) => m.practitionerId) });
    t.check('ECAF-OUT-001', sent.deliveryPlan.length === episode.deliveryPlan.length, `delivery plan: ${sent.deliveryPlan.length} of ${episode.deliveryPlan.length} actions`, { ...at, path: '/episode/deliveryPlan', expected: episode.deliveryPlan.length, actual: sent.deliveryPlan.length });
    t.check('ECAF-OUT-001', sent.reviews.length === episode.reviews.length, `reviews: ${sent.reviews.length} of ${episode.reviews.length}`, { ...at, path: '/episode/reviews', expected: episode.reviews.length, actual: sent.reviews.length });
    t.check('ECAF-OUT-001', JSON.stringify(sent.consents) === JSON.stringify(episode.consents), 'consent is as captured', { ...at, path: '/episode/consents', expected: episode.consents.length, actual: sent.consents.length });
    t.check('ECAF-OUT-001', sent.child.identifiers.nhsNumber === episode.child.identifiers.nhsNumber, 'the child is identified as held', { ...at, path: '/episode/child/identifiers/nhsNumber', expected: episode.child.identifiers.nhsNumber, actual: sent.child.identifiers.nhsNumber });
  },
};
