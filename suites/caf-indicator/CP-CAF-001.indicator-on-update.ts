import type { TestDef } from '../../src/harness/engine/types.js';
import type { CafIndicatorMessage } from '../../mocks/contactpoint/schemas.js';
import { aboutChild, cafContentIn, contactIs, driverOk, logCaf } from '../ecaf-support.js';

export const indicatorOnUpdate: TestDef = {
  id: 'CP-CAF-001.indicator-on-update',
  title: 'Updating a CAF sends a new indicator with the contact of the practitioner who updated it',
  requirements: ['CP-CAF-001', 'CP-CAF-002'],
  async run(t) {
    const episode = t.data.cafCase();
    const { episodeRef, afterSeq } = await logCaf(t, episode);
    const first = await t.expectMessage(
      'CP-CAF-001',
      'CAF indicator after logging',
      (x) => x.operationId === 'submitCafIndicator' && x.status < 300 && aboutChild(episode.child)(x),
      { afterSeq },
    );
    if (!first) return;
    // Another practitioner joins the TAC and reassesses.
    const service = episode.tac[0]!.agency === 'youth-service' ? 'housing' : 'youth-service';
    const newcomer = t.data.worker(service);
    const updated = structuredClone(episode);
    updated.tac.push({ practitionerId: 'prac-update-0001', contact: newcomer, agency: service, role: 'practitioner', joinedOn: t.data.today });
    updated.consents = updated.consents.map((c) => ({
      ...c,
      sharing: [...c.sharing, { agency: service, information: ['assessment', 'delivery-plan', 'reviews'] }],
    }));
    updated.assessment = { ...updated.assessment!, assessedBy: 'prac-update-0001', completedOn: t.data.today };
    t.step('Another practitioner joins the TAC and updates the assessment');
    const before = t.mock.lastSeq();
    await driverOk(t, 'updateCafEpisode', { episodeRef }, { episode: updated });
    const second = await t.expectMessage(
      'CP-CAF-001',
      'a new CAF indicator after the update',
      (x) => x.operationId === 'submitCafIndicator' && x.status < 300 && aboutChild(episode.child)(x),
      { afterSeq: before },
    );
    if (!second) return;
    const m = second.requestBody as CafIndicatorMessage;
    t.check('CP-CAF-001', contactIs(m.assessor, newcomer), 'the indicator now names the practitioner who updated the CAF', {
      exchange: second.seq,
      path: '/assessor',
      expected: newcomer,
      actual: m.assessor,
    });
    t.check('CP-CAF-001', m.completedOn === t.data.today, 'dated with the update', {
      exchange: second.seq,
      path: '/completedOn',
      expected: t.data.today,
      actual: m.completedOn,
    });
    // Every indicator is judged for content, not only the first: an update carries the newer assessment's text to leak.
    for (const [e, ep] of [
      [first, episode],
      [second, updated],
    ] as const) {
      const leaked = cafContentIn(e.requestBody, ep);
      t.check(
        'CP-CAF-002',
        leaked.length === 0,
        leaked.length ? 'assessment content reached ContactPoint' : 'no assessment content in the indicator',
        { exchange: e.seq, expected: 'none', actual: leaked },
      );
    }
  },
};
