/**
 * Hannah's story (guidance note 3.1, 4.2, 4.3) end to end, moved to today's date. The system under
 * test is the neighbouring borough's ICS, where John recorded social care's involvement. The harness
 * plays everyone else: Lee's youth service and Melanie's school feeding ContactPoint, Melanie on
 * ContactPoint and National eCAF, the Team Around the Child.
 */
import { randomUUID } from 'node:crypto';
import type { TestDef, Json } from '../../src/harness/engine/types.js';
import type { TestContext } from '../../src/harness/engine/context.js';
import { addDays, addYears } from '../../src/platform/clock.js';
import { hannah, hannahPractitioners } from '../../fixtures/hannah.js';
import { hannahCafAssessment, hannahCafConsents } from '../../fixtures/hannah-caf.js';
import { practitionerContact, teamContact } from '../../fixtures/population.js';
import type { ChildIdentity } from '../../src/platform/schemas/common.js';
import { body, contactMatches, isInvolvement, waitForUpdate } from '../support.js';
import { TestContext as Ctx } from '../../src/harness/engine/context.js';

const { melanie, john, lee, steve } = hannahPractitioners;
const shift = addDays;

/** Harness calls that set the scene must work; if they do not, the harness itself is at fault. */
async function must(t: TestContext, what: string, call: Promise<{ status: number; body: Json }>): Promise<Json> {
  const r = await call;
  if (r.status >= 300) throw new Error(`story step "${what}" failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export const hannahsStory: TestDef = {
  id: 'STORY-001.hannahs-story',
  title: "Hannah's story: ContactPoint shows the other practitioners, CAF, TAC, lead professional, stepping up to social care and down again",
  requirements: ['STORY-001', 'STORY-002', 'CP-FEED-008', 'CP-FEED-009'],
  async run(t) {
    // The story casts the system as the borough's social-care ICS.
    t.onlyIf(t.profile.services.includes('childrens-social-care'), "Hannah's story is told through children's social care referrals");
    const today = t.data.today;
    const child: ChildIdentity = { ...structuredClone(hannah.identity), dateOfBirth: shift(addYears(today, -15), -120) };
    const sameChild = Ctx.aboutChild(child);
    const asMelanie = (method: string, path: string, b?: unknown) => t.mock.national(method, path, 'practitioner', b, melanie.id);

    // 1. John's earlier involvement, recorded in the system under test: started, then ended 11 months ago.
    t.step("John (children's social care) worked with Hannah when her mother first fell ill; his involvement ended 11 months ago");
    const childRef = await t.driver.registerChild(child);
    let seq = t.mock.lastSeq();
    const johnRef = await t.driver.recordInvolvement(childRef, {
      service: 'childrens-social-care',
      worker: practitionerContact(john),
      startDate: shift(today, -670),
      leadProfessional: false,
    });
    const started = await t.expectMessage('CP-FEED-009', "John's social-care involvement", (e) => isInvolvement(e) && sameChild(e), {
      afterSeq: seq,
    });
    if (!started) return;
    seq = t.mock.lastSeq();
    const johnEnd = shift(today, -335);
    await t.driver.endInvolvement(johnRef, johnEnd);
    const ended = await waitForUpdate(
      t,
      body(started).sourceRecordId,
      "the end of John's involvement",
      (m) => m.involvement.endDate === johnEnd,
      'CP-FEED-008',
      seq,
    );
    if (!ended) return;
    t.check('CP-FEED-008', true, "John's involvement was ended with its end date, not deleted", { exchange: ended.seq });

    // 2. Other services feed ContactPoint too: Lee's youth service, Melanie's school.
    const feed = (client: string, p: typeof lee, startDate: string, lead = false, ref = `${client}.${p.id}`) =>
      must(
        t,
        `${p.name.given}'s involvement`,
        t.mock.national('POST', '/contactpoint/v1/involvements', client, {
          messageId: randomUUID(),
          sourceRecordId: ref,
          sentAt: new Date().toISOString(),
          child,
          involvement: { service: p.service, contact: practitionerContact(p), startDate, leadProfessional: lead },
        }),
      );
    await feed('ics-neighbour', lee, shift(today, -330));
    await feed('education', melanie, shift(today, -60));

    // 3. Melanie looks Hannah up.
    t.step('Melanie (learning mentor) looks Hannah up on ContactPoint');
    const found = await must(
      t,
      'search',
      t.mock.lookup(`/children?familyName=${encodeURIComponent(child.name.family)}&dateOfBirth=${child.dateOfBirth}`, melanie.id),
    );
    const cpId = found.results?.[0]?.contactPointId as string | undefined;
    if (!cpId) return void t.check('STORY-001', false, 'Hannah is not on ContactPoint', { actual: found });
    let view = await must(t, 'read', t.mock.lookup(`/children/${cpId}`, melanie.id));
    const social = (view.involvements as Json[]).find((i) => i.service === 'childrens-social-care');
    t.check('STORY-001', !!social && social.endDate === johnEnd, "Melanie sees social care's ended involvement (kept for a year after it ended)", {
      expected: `childrens-social-care ended ${johnEnd}`,
      actual: social ?? 'not shown',
    });
    t.check(
      'STORY-001',
      !!social && (contactMatches(social.contact, practitionerContact(john)) || contactMatches(social.contact, teamContact(john))),
      'with whom to contact at social care',
      { expected: practitionerContact(john).organisation, actual: social?.contact },
    );
    t.check(
      'STORY-001',
      (view.involvements as Json[]).some((i) => i.service === 'youth-service'),
      "and Lee's youth service",
      { actual: (view.involvements as Json[]).map((i) => i.service) },
    );

    // 4. Consent and the CAF on National eCAF; ContactPoint learns a CAF exists.
    t.step('Hannah consents; Melanie records the CAF on National eCAF');
    const consent = { ...hannahCafConsents.initial, givenOn: shift(today, -20) };
    const opened = await must(
      t,
      'open the CAF',
      asMelanie('POST', '/ecaf/v1/episodes', {
        child,
        practitioner: { contact: practitionerContact(melanie), agency: melanie.service },
        consent,
        assessment: { ...hannahCafAssessment, completedOn: shift(today, -14) },
      }),
    );
    const episodeId = opened.episodeId as string;
    const ep = `/ecaf/v1/episodes/${episodeId}`;
    view = await must(t, 'read', t.mock.lookup(`/children/${cpId}`, melanie.id));
    t.check(
      'STORY-002',
      view.cafIndicator?.exists === true && contactMatches(view.cafIndicator.assessor, practitionerContact(melanie)),
      "ContactPoint shows a CAF exists, with Melanie's contact",
      { actual: view.cafIndicator ?? 'none' },
    );

    // 5. TAC and lead professional.
    t.step('TAC meeting: Lee and Steve join; Hannah asks for Melanie as lead professional');
    await must(t, 'TAC consent', asMelanie('POST', `${ep}/consents`, { ...hannahCafConsents.teamAroundTheChild, givenOn: shift(today, -7) }));
    for (const p of [lee, steve])
      await must(
        t,
        `add ${p.name.given}`,
        asMelanie('POST', `${ep}/tac`, { practitionerId: p.id, contact: practitionerContact(p), agency: p.service, role: 'practitioner' }),
      );
    await must(t, 'lead professional on eCAF', asMelanie('PUT', `${ep}/lead-professional`, { practitionerId: melanie.id }));
    await feed('education', melanie, shift(today, -60), true);
    view = await must(t, 'read', t.mock.lookup(`/children/${cpId}`, melanie.id));
    t.check(
      'STORY-001',
      !!view.leadProfessional && contactMatches(view.leadProfessional, practitionerContact(melanie)),
      'ContactPoint shows Melanie as lead professional',
      { actual: view.leadProfessional ?? 'none' },
    );

    // 6. Stepping up: referral to social care. The social worker joins the TAC; the ICS records the referral.
    t.step('Needs escalate: referral to social care on National eCAF; John joins the TAC; record the referral in the ICS');
    await must(
      t,
      'referral on eCAF',
      asMelanie('POST', `${ep}/social-care-referral`, {
        note: "Referral for a young carer's assessment.",
        socialCareMember: { practitionerId: john.id, contact: practitionerContact(john), agency: 'childrens-social-care', role: 'social-worker' },
      }),
    );
    seq = t.mock.lastSeq();
    const referralRef = await t.driver.recordInvolvement(childRef, {
      service: 'childrens-social-care',
      worker: practitionerContact(john),
      startDate: today,
      leadProfessional: false,
    });
    const stepUp = await t.expectMessage(
      'STORY-002',
      'the new social-care involvement after stepping up',
      (e) => isInvolvement(e) && sameChild(e) && body(e).involvement.startDate === today,
      { afterSeq: seq },
    );
    if (!stepUp) return;
    t.check('CP-FEED-009', body(stepUp).sourceRecordId !== body(started).sourceRecordId, 'the new referral is a new involvement record', {
      exchange: stepUp.seq,
      expected: 'a new source record',
      actual: body(stepUp).sourceRecordId,
    });
    await must(
      t,
      'responsibility marked',
      t.mock.national(
        'POST',
        `${ep}/social-care-responsibility`,
        'practitioner',
        { note: "Responsibility for the case has transferred to children's social care." },
        john.id,
      ),
    );
    view = await must(t, 'read', t.mock.lookup(`/children/${cpId}`, melanie.id));
    const active = (view.involvements as Json[]).filter((i) => i.service === 'childrens-social-care' && !i.endDate);
    t.check(
      'STORY-002',
      active.length === 1 && view.cafIndicator?.exists === true,
      'ContactPoint shows social care involved again, alongside the CAF indicator',
      { expected: '1 active social-care involvement + CAF', actual: { active: active.length, caf: !!view.cafIndicator } },
    );

    // 7. Stepping down: social work is done; the ICS ends its involvement, the episode goes back to Melanie.
    t.step("Social care's work is complete: step down to Melanie; end the involvement in the ICS");
    await must(
      t,
      'step down',
      t.mock.national(
        'POST',
        `${ep}/step-down`,
        'practitioner',
        { leadProfessional: melanie.id, note: 'Outstanding needs met by the TAC.', socialCareLeaves: true },
        john.id,
      ),
    );
    seq = t.mock.lastSeq();
    await t.driver.endInvolvement(referralRef, today);
    const down = await waitForUpdate(
      t,
      body(stepUp).sourceRecordId,
      'the end of the social-care involvement',
      (m) => m.involvement.endDate === today,
      'STORY-002',
      seq,
    );
    if (down) t.check('STORY-002', true, 'stepping down ended the involvement with its end date', { exchange: down.seq });
    await must(t, 'close (needs met)', asMelanie('POST', `${ep}/closure`, { reason: 'needs-met' }));
    await must(t, 'reopen', asMelanie('POST', `${ep}/reopening`, { reason: "Hannah's mother is unwell again; the TAC meets again." }));

    // 8. Two months on: John's first involvement (ended 13 months ago) has dropped out; the latest stays for its year.
    await t.mock.setClock({ now: new Date(Date.parse(`${shift(today, 60)}T12:00:00Z`)).toISOString() });
    view = await must(t, 'read', t.mock.lookup(`/children/${cpId}`, melanie.id));
    const sc = (view.involvements as Json[]).filter((i) => i.service === 'childrens-social-care');
    t.check(
      'STORY-001',
      sc.length === 1 && sc[0].endDate === today,
      'a year after it ended the first involvement has gone; the latest is still listed',
      { expected: [`ended ${today}`], actual: sc.map((i) => i.endDate ?? 'open') },
    );
  },
};
