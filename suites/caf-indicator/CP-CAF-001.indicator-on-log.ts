import type { TestDef } from '../../src/harness/engine/types.js';
import type { CafIndicatorMessage } from '../../mocks/contactpoint/schemas.js';
import { aboutChild, cafContentIn, assessorOf, contactIs, logCaf } from '../ecaf-support.js';

export const indicatorOnLog: TestDef = {
  id: 'CP-CAF-001.indicator-on-log',
  title: "Logging a CAF tells ContactPoint a CAF exists, with the assessor's contact and nothing of its content",
  requirements: ['CP-CAF-001', 'CP-CAF-002'],
  async run(t) {
    const episode = t.data.cafCase();
    const { afterSeq } = await logCaf(t, episode);
    const e = await t.expectMessage(
      'CP-CAF-001',
      'CAF indicator to ContactPoint',
      (x) => x.operationId === 'submitCafIndicator' && x.status < 300 && aboutChild(episode.child)(x),
      { afterSeq },
    );
    if (!e) return;
    const m = e.requestBody as CafIndicatorMessage;
    const assessor = assessorOf(episode);
    t.check('CP-CAF-001', contactIs(m.assessor, assessor), 'the indicator names the practitioner who completed the assessment', {
      exchange: e.seq,
      path: '/assessor',
      expected: assessor,
      actual: m.assessor,
    });
    t.check('CP-CAF-001', m.status === episode.status, `status is ${m.status}`, {
      exchange: e.seq,
      path: '/status',
      expected: episode.status,
      actual: m.status,
    });
    const completed = episode.assessment?.completedOn ?? episode.openedOn;
    t.check('CP-CAF-001', m.completedOn === completed, 'dated when the assessment was completed', {
      exchange: e.seq,
      path: '/completedOn',
      expected: completed,
      actual: m.completedOn,
    });
    const leaked = cafContentIn(m, episode);
    t.check('CP-CAF-002', leaked.length === 0, leaked.length ? 'assessment content reached ContactPoint' : 'no assessment content in the indicator', {
      exchange: e.seq,
      expected: 'none',
      actual: leaked,
    });
    const cpId = (e.responseBody as { contactPointId?: string }).contactPointId;
    const view = cpId ? await t.mock.lookup(`/children/${cpId}`) : undefined;
    t.check(
      'CP-CAF-001',
      view?.body?.cafIndicator?.exists === true,
      'a practitioner looking the child up sees that a CAF exists and whom to contact',
      { actual: view?.body?.cafIndicator ?? 'none' },
    );
  },
};
