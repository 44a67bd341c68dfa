import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cafEpisodes } from '../../fixtures/ecaf.js';
import { generateChildren } from '../../fixtures/population.js';
import {
  hannahCafEpisode,
  hannahCafOpenRequest,
  hannahCafActions,
  hannahCafTacMeeting,
  hannahCafConsents,
  HANNAH_CAF_EPISODE_ID,
} from '../../fixtures/hannah-caf.js';
import { hannah, hannahCafIndicator, hannahPractitioners } from '../../fixtures/hannah.js';
import { validator } from '../../src/platform/validate.js';
import { ExchangeEpisode, OpenEpisodeRequest, ActionInput, ReviewInput, ConsentInput, CAF_DOMAINS } from '../../mocks/ecaf/schemas.js';
import { checkExchangeEpisode, consentGaps } from '../../mocks/ecaf/domain/exchange.js';
import { findCaseContent } from '../../mocks/contactpoint/domain/case-content.js';
import { createMockServices } from '../../src/mock-server/mock.js';

const REF = '2009-11-02';
const digest = (it: Iterable<unknown>) => {
  const h = createHash('sha256');
  for (const x of it) h.update(JSON.stringify(x));
  return h.digest('hex');
};

describe('CAF episodes for the synthetic population (fixtures/ecaf.ts)', () => {
  const episodes = [...cafEpisodes({ count: 3000, seed: 7, referenceDate: REF })];

  it('gives a realistic share of the children an episode, deterministically per seed', () => {
    expect(episodes.length).toBeGreaterThan(100);
    expect(episodes.length).toBeLessThan(300);
    expect(digest(cafEpisodes({ count: 500, seed: 7, referenceDate: REF }))).toBe(digest(cafEpisodes({ count: 500, seed: 7, referenceDate: REF })));
    expect(digest(cafEpisodes({ count: 500, seed: 8, referenceDate: REF }))).not.toBe(
      digest(cafEpisodes({ count: 500, seed: 7, referenceDate: REF })),
    );
    expect([...cafEpisodes({ count: 200, seed: 1, rate: 0 })]).toHaveLength(0);
    expect([...cafEpisodes({ count: 50, seed: 1, rate: 1 })].length).toBeGreaterThan(40);
  });

  it("every episode passes the exchange schema and National eCAF's rules, with consent covering its TAC", () => {
    const validate = validator(ExchangeEpisode);
    for (const ep of episodes) {
      expect(validate(ep), JSON.stringify(validate.errors)).toBe(true);
      expect(checkExchangeEpisode(ep, REF, '')).toEqual([]);
      expect(consentGaps(ep, '')).toEqual([]);
    }
  });

  it("is consistent with the population: the child, and practitioners of the child's own LA and school", () => {
    const children = new Map([...generateChildren({ count: 3000, seed: 7, referenceDate: REF })].map((c) => [c.id, c]));
    for (const ep of episodes) {
      const c = children.get(ep.localRef.replace(/^CAF\./, ''))!;
      expect(ep.child).toEqual(c.identity);
      for (const m of ep.tac) expect(m.practitionerId.startsWith(`prac-${c.laCode}-`)).toBe(true);
      const mentor = ep.tac.find((m) => m.agency === 'learning-mentor');
      if (mentor && mentor.contact.kind === 'practitioner') expect(mentor.contact.organisation).toBe(c.identity.school?.name);
      if (ep.consents[0]!.givenBy.role === 'child') expect(c.ageOnReferenceDate).toBeGreaterThanOrEqual(12);
      else expect(c.identity.parentsCarers.map((p) => p.name)).toContainEqual(ep.consents[0]!.givenBy.name);
    }
  });

  it('writes needs and strengths for the child by name, with open, closed and social-care episodes', () => {
    const texts = episodes.flatMap((ep) => ep.assessment!.elements.flatMap((e) => [e.strengths, e.needs]).filter(Boolean));
    expect(new Set(texts).size).toBeGreaterThan(150);
    expect(episodes.every((ep) => ep.assessment!.elements.some((e) => e.needs?.length))).toBe(true);
    const statuses = new Set(episodes.map((ep) => `${ep.status}:${ep.closure?.reason ?? ''}:${ep.socialCare?.state ?? ''}`));
    expect([...statuses].some((s) => s.startsWith('closed:needs-met'))).toBe(true);
    expect([...statuses].some((s) => s.startsWith('open::'))).toBe(true);
    expect([...statuses].some((s) => s.includes('social-care'))).toBe(true);
    const one = episodes.find((ep) => ep.assessment!.elements.some((e) => e.domain === 'development-of-the-child' && e.needs))!;
    expect(JSON.stringify(one.assessment)).toContain(one.child.name.given);
  });

  it('seeds into a session through National eCAF, which tells ContactPoint about each CAF', () => {
    const mock = createMockServices();
    try {
      const { session } = mock.createSession({ dataset: 'population', count: 300, seed: 3 });
      const view = mock.ecaf.harnessView(session.id);
      expect(view.episodes.length).toBeGreaterThan(5);
      expect(view.episodes.every((e) => e.contactPoint?.status === 'accepted')).toBe(true);
      const cpIds = new Set(mock.directory.children(session.id).map((c) => c.contactPointId));
      for (const e of view.episodes) expect(cpIds.has(e.contactPoint!.contactPointId!)).toBe(true);
    } finally {
      mock.close();
    }
  });
});

describe("Hannah's CAF (fixtures/hannah-caf.ts)", () => {
  it('is valid in every shape it comes in', () => {
    expect(validator(OpenEpisodeRequest)(hannahCafOpenRequest)).toBe(true);
    expect(validator(ReviewInput)(hannahCafTacMeeting)).toBe(true);
    for (const a of Object.values(hannahCafActions)) expect(validator(ActionInput)(a)).toBe(true);
    for (const c of Object.values(hannahCafConsents)) expect(validator(ConsentInput)(c)).toBe(true);
    expect(validator(ExchangeEpisode)(hannahCafEpisode)).toBe(true);
    expect(checkExchangeEpisode(hannahCafEpisode, '2009-11-30', '')).toEqual([]);
    expect(consentGaps(hannahCafEpisode, '')).toEqual([]);
  });

  it("tells the story: Hannah's consent, needs in all three domains, Melanie leading, the actions agreed, a review in 3 months", () => {
    expect(HANNAH_CAF_EPISODE_ID).toBe(hannahCafIndicator.episodeRef);
    expect(hannahCafEpisode.child).toEqual(hannah.identity);
    expect(hannahCafConsents.initial).toMatchObject({ givenBy: { role: 'child', name: { given: 'Hannah' } }, involveParentsCarers: true });
    const domains = new Set(hannahCafEpisode.assessment!.elements.map((e) => e.domain));
    expect([...domains].sort()).toEqual(Object.keys(CAF_DOMAINS).sort());
    const needs = hannahCafEpisode.assessment!.elements.map((e) => e.needs ?? '').join(' ');
    for (const n of ['young carer', 'schoolwork', 'Rent arrears', 'bills', 'health has deteriorated']) expect(needs).toContain(n);
    const owners = hannahCafEpisode.deliveryPlan.map((a) =>
      a.responsible.kind === 'tac-member' ? a.responsible.practitionerId : a.responsible.relationship,
    );
    const { melanie, lee, steve, libby } = hannahPractitioners;
    expect(new Set(owners)).toEqual(new Set([melanie.id, lee.id, steve.id, libby.id, 'parent']));
    const actions = hannahCafEpisode.deliveryPlan.map((a) => a.action).join(' ');
    for (const a of ['homework deadlines', 'adult social care', 'young carers group', 'pay the bills', 'rent arrears', 'GP'])
      expect(actions).toContain(a);
    expect(hannahCafEpisode.leadProfessional).toBe(melanie.id);
    expect(hannahCafTacMeeting.outcome).toEqual({ kind: 'next-review', nextReviewOn: '2010-02-16' });
    // The TAC's contact details go to ContactPoint: no case information in them.
    for (const m of hannahCafEpisode.tac)
      if (m.contact.kind === 'practitioner')
        expect(
          findCaseContent([
            ['', m.contact.role],
            ['', m.contact.organisation],
          ]),
        ).toEqual([]);
  });
});
