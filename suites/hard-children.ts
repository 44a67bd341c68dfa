/**
 * run --hard-children: every feed scenario re-run over each kind of hard child that ContactPoint
 * holds (docs/decisions/0048-hard-children-everywhere.md). A re-run is the scenario itself, its own
 * checks and requirements, with caseChild giving children of the kind; for twins and triplets the
 * siblings are recorded too, and must end up as that many children on ContactPoint.
 */
import type { Suite, TestDef } from '../src/harness/engine/types.js';
import { TestContext } from '../src/harness/engine/context.js';
import {
  HARD_CHILD_KINDS,
  HARD_CHILD_RULES,
  HARD_CHILDREN_TEST,
  hardRunId,
  kindFitsCaseload,
  type HardChildKind,
} from '../src/harness/model/hard-children.js';
import { caseChild, isInvolvement, referChild, type Referral } from './support.js';

const cpIdOf = (r: Referral) => (r.message?.responseBody as { contactPointId?: string } | undefined)?.contactPointId;

/** The kinds a feed scenario is re-run over: those the guidance says are sent (a young person of 18 is judged by CP-FEED-005 in CP-FEED-015.hard-children). */
export const RERUN_KINDS: readonly HardChildKind[] = HARD_CHILD_KINDS.filter((k) => HARD_CHILD_RULES[k].sent);

export function overHardKind(test: TestDef, kind: HardChildKind): TestDef {
  return {
    ...test,
    id: hardRunId(test.id, kind),
    title: `${test.title}, with ${HARD_CHILD_RULES[kind].what}`,
    hardChild: kind,
    async run(t: TestContext) {
      t.onlyIf(
        kindFitsCaseload(kind, t.profile.caseload),
        `a child ${HARD_CHILD_RULES[kind].what} is not on its caseload (${t.profile.caseload.minAge} to ${t.profile.caseload.maxAge})`,
      );
      t.hardKind = kind;
      const { children } = HARD_CHILD_RULES[kind];
      if (children > 1) {
        // The scenario's child is the last of the birth: the others are recorded first, so a system that merges them shows it here.
        const siblings: Referral[] = [];
        for (let i = 1; i < children; i++)
          siblings.push(await referChild(t, { child: caseChild(t), requirement: HARD_CHILD_RULES[kind].requirement }));
        const last = t.hardQueue[0]!;
        await test.run(t);
        const theirs = (await t.sutEntries()).find((e) => isInvolvement(e) && TestContext.aboutChild(last)(e));
        const ids = [...siblings.map(cpIdOf), (theirs?.responseBody as { contactPointId?: string } | undefined)?.contactPointId];
        // Only judged when every child reached ContactPoint: a missing message is already the scenario's failure.
        if (ids.every(Boolean)) {
          const distinct = new Set(ids).size;
          t.check(HARD_CHILD_RULES[kind].requirement, distinct === children, `[${kind}] ${children} children filed as ${distinct} on ContactPoint`, {
            expected: `${children} ContactPoint IDs`,
            actual: ids,
          });
        }
        return;
      }
      await test.run(t);
    },
  };
}

/** The suites with each feed scenario that registers children followed by its re-runs over every kind (RERUN_KINDS). */
export function withHardChildren(suites: Suite[]): Suite[] {
  return suites.map((s) =>
    s.id !== 'contactpoint-feed'
      ? s
      : {
          ...s,
          tests: [
            ...s.tests,
            ...s.tests
              .filter((t) => t.id !== HARD_CHILDREN_TEST && t.overHardChildren !== false && !t.hardChild)
              .flatMap((t) => RERUN_KINDS.map((k) => overHardKind(t, k))),
          ],
        },
  );
}
