/**
 * A story of its own for each kind of source system: its work starting, a change to the child, its
 * work ending, as that kind does them (a school enrols, a pupil changes school and leaves; a clinic
 * takes a referral to a sensitive service and discharges; a YOT order starts and ends...). The
 * stories are data (STORIES); each step is judged by the requirement it shows, never by the
 * reference system's habits. Hannah's story (STORY-001) is the ICS's.
 */
import type { TestDef } from '../../src/harness/engine/types.js';
import type { SourceSystemType } from '../../src/harness/model/profiles.js';
import { sensitiveServiceOf } from '../../src/harness/model/profiles.js';
import { addDays } from '../../src/platform/clock.js';
import { compareByMeaning } from '../../src/harness/engine/compare.js';
import type { ChildIdentity } from '../../src/platform/schemas/common.js';
import { body, caseChild, mainService, referChild, waitForUpdate } from '../support.js';

type Step =
  /** The work starts `daysAgo` days before today (an enrolment in September, an order months back); `sensitive`: a sensitive service, with the young person's consent as its basis. */
  | { do: 'start'; daysAgo: number; sensitive?: boolean; says: string }
  /** A change to the child the system records: a new school, or a move. */
  | { do: 'change'; what: 'school' | 'address'; says: string }
  | { do: 'end'; says: string };

interface Story {
  title: string;
  /** The youngest the story's child is (Connexions: a young person of 17). */
  minAge?: number;
  steps: Step[];
}

/** Each kind's own story. local-ecaf sends no involvements (its CAF indicators have their own suite). */
export const STORIES: Partial<Record<SourceSystemType, Story>> = {
  ics: {
    title: 'a referral to social care, a move, the case closed',
    steps: [
      { do: 'start', daysAgo: 20, says: 'A referral to social care is recorded' },
      { do: 'change', what: 'address', says: 'The family moves' },
      { do: 'end', says: 'The case is closed' },
    ],
  },
  education: {
    title: 'enrolment, a change of school, leaving',
    minAge: 5,
    steps: [
      { do: 'start', daysAgo: 90, says: 'The pupil is enrolled (start date: the enrolment date)' },
      { do: 'change', what: 'school', says: 'The pupil changes school' },
      { do: 'end', says: 'The pupil leaves (end date: the leaving date)' },
    ],
  },
  health: {
    title: 'a referral to a sensitive service with its basis, discharge',
    minAge: 13,
    steps: [
      { do: 'start', daysAgo: 30, sensitive: true, says: "A referral to the clinic is accepted, with the young person's consent" },
      { do: 'end', says: 'The young person is discharged' },
    ],
  },
  'youth-offending': {
    title: 'an order starts and ends',
    minAge: 10,
    steps: [
      { do: 'start', daysAgo: 180, says: "An order starts (start date: the order's)" },
      { do: 'end', says: 'The order ends' },
    ],
  },
  connexions: {
    title: 'a young person of 17 with a ULN taken on, moving, the case closed',
    minAge: 17,
    steps: [
      { do: 'start', daysAgo: 60, says: 'A personal adviser takes the young person on' },
      { do: 'change', what: 'address', says: 'The young person moves' },
      { do: 'end', says: 'The case is closed' },
    ],
  },
  youth: {
    title: 'joining a project, moving, leaving it',
    minAge: 11,
    steps: [
      { do: 'start', daysAgo: 45, says: 'The young person joins a project' },
      { do: 'change', what: 'address', says: 'The young person moves' },
      { do: 'end', says: 'They leave the project' },
    ],
  },
  other: {
    title: 'a service starts, the child moves, it stops',
    steps: [
      { do: 'start', daysAgo: 15, says: 'The service starts working with the child' },
      { do: 'change', what: 'address', says: 'The child moves' },
      { do: 'end', says: 'The service stops' },
    ],
  },
};

export const ownStory: TestDef = {
  id: 'STORY-003.own-story',
  title: "Each kind of system's own story: its work starting, a change to the child, its work ending, as that kind does them",
  // CP-FEED-006 is judged only in the stories with a sensitive service (health): cited by those checks, not declared here, so an ICS's traceability does not list it untested.
  requirements: ['CP-FEED-009', 'CP-FEED-010', 'CP-FEED-003', 'CP-FEED-007', 'CP-FEED-008'],
  async run(t) {
    const story = STORIES[t.profile.type];
    t.onlyIf(story !== undefined, 'it reports no involvements');
    t.step(`The story of ${t.profile.title}: ${story!.title}`);
    let child: ChildIdentity = caseChild(t, { minAge: story!.minAge ?? 0 });
    let last: ReturnType<typeof body> | undefined;
    let involvementRef = '';
    let childRef = '';
    let sensitive = false;
    for (const step of story!.steps) {
      t.step(step.says);
      if (step.do === 'start') {
        const service = step.sensitive ? sensitiveServiceOf(t.profile)! : mainService(t);
        sensitive = !!step.sensitive;
        const startDate = addDays(t.data.today, -step.daysAgo);
        const ref = await referChild(t, { child, service, startDate, ...(sensitive ? { sensitiveBasis: 'consent' as const } : {}) });
        if (!ref.message) return;
        [last, involvementRef, childRef] = [body(ref.message), ref.involvementRef, ref.childRef];
        t.check('CP-FEED-010', last.involvement.startDate === startDate, `the start date is the one recorded (${step.says.toLowerCase()})`, {
          exchange: ref.message.seq,
          path: '/involvement/startDate',
          expected: startDate,
          actual: last.involvement.startDate,
        });
        for (const [k, v] of Object.entries(child.identifiers))
          t.check('CP-FEED-003', (last.child.identifiers as Record<string, string>)[k] === v, `the ${k} held is sent`, {
            exchange: ref.message.seq,
            path: `/child/identifiers/${k}`,
            expected: v,
            actual: (last.child.identifiers as Record<string, string>)[k],
          });
        if (sensitive)
          t.check('CP-FEED-006', last.involvement.sensitiveBasis === 'consent', 'the sensitive service is sent with its basis', {
            exchange: ref.message.seq,
            path: '/involvement/sensitiveBasis',
            expected: 'consent',
            actual: last.involvement.sensitiveBasis,
          });
      } else if (step.do === 'change') {
        const other = t.data.child();
        const changed: ChildIdentity =
          step.what === 'school'
            ? { ...child, school: { ...(other.school ?? child.school!), startDate: t.data.today } }
            : {
                ...child,
                residence:
                  other.residence.status === 'current'
                    ? other.residence
                    : { status: 'current', address: { lines: ['14 Mill Lane'], town: 'Hartlepool', postcode: 'TS24 8AY' } },
              };
        const afterSeq = t.mock.lastSeq();
        await t.driver.updateChild(childRef, changed);
        child = changed;
        const want = step.what === 'school' ? changed.school : changed.residence;
        const m = await waitForUpdate(
          t,
          last!.sourceRecordId,
          `a message with the new ${step.what}`,
          (x) => compareByMeaning(want, step.what === 'school' ? x.child.school : x.child.residence).length === 0,
          'CP-FEED-007',
          afterSeq,
        );
        if (!m) return;
        last = body(m);
        t.check('CP-FEED-007', true, `the new ${step.what} was sent on the same source record`, {
          exchange: m.seq,
          path: step.what === 'school' ? '/child/school' : '/child/residence',
          expected: want,
          actual: step.what === 'school' ? last.child.school : last.child.residence,
        });
      } else {
        const endDate = t.data.today;
        const afterSeq = t.mock.lastSeq();
        await t.driver.endInvolvement(involvementRef, endDate);
        const m = await waitForUpdate(
          t,
          last!.sourceRecordId,
          `a message with end date ${endDate}`,
          (x) => x.involvement.endDate !== undefined,
          'CP-FEED-008',
          afterSeq,
        );
        if (!m) return;
        const ended = body(m);
        t.check('CP-FEED-010', ended.involvement.endDate === endDate, 'the end date is the one recorded', {
          exchange: m.seq,
          path: '/involvement/endDate',
          expected: endDate,
          actual: ended.involvement.endDate,
        });
        if (sensitive)
          t.check('CP-FEED-006', ended.involvement.sensitiveBasis === 'consent', 'the ending of a sensitive service states its basis too', {
            exchange: m.seq,
            path: '/involvement/sensitiveBasis',
            expected: 'consent',
            actual: ended.involvement.sensitiveBasis,
          });
      }
    }
  },
};
