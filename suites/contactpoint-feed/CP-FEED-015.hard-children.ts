import type { TestDef } from '../../src/engine/types.js';
import type { ChildIdentity } from '../../src/schemas/common.js';
import { describeDifferences, compareByMeaning } from '../../src/engine/compare.js';
import { HARD_CHILD_KINDS, type HardChildKind } from '../../src/engine/synthetic.js';
import { body, referChild, type Referral } from '../support.js';

const cpIdOf = (r: Referral) => (r.message?.responseBody as { contactPointId?: string } | undefined)?.contactPointId;

/** What each kind of hard child must survive, and the requirement it is judged by. */
const REQUIREMENT: Record<HardChildKind, string> = {
  'former-names': 'CP-FEED-015',
  'no-fixed-abode': 'CP-FEED-015',
  twins: 'CP-FEED-015',
  'birthday-tomorrow': 'CP-FEED-016',
  'one-identifier': 'CP-FEED-003',
};

export const hardChildren: TestDef = {
  id: 'CP-FEED-015.hard-children',
  title: 'Children that break naive systems (former names, no fixed abode, twins, 18 tomorrow, one identifier) reach ContactPoint as themselves',
  requirements: ['CP-FEED-015', 'CP-FEED-016', 'CP-FEED-003'],
  async run(t) {
    const { caseload, identifiers } = t.profile;
    // The one identifier is the one this kind of system holds (a school's UPN, Connexions' ULN), else the NHS number.
    const only = identifiers[0] ?? 'nhsNumber';
    for (const kind of HARD_CHILD_KINDS) {
      const req = REQUIREMENT[kind];
      const children = t.data.hardChildren(kind, { only, minAge: caseload.minAge, maxAge: caseload.maxAge, holding: identifiers });
      t.step(`[${kind}] ${children.length === 1 ? 'A child' : `${children.length} children`} of this kind`);
      const refs: Referral[] = [];
      for (const child of children) refs.push(await referChild(t, { child, requirement: req }));
      const sent = refs.filter((r): r is Referral & { message: NonNullable<Referral['message']> } => r.message !== undefined);
      if (sent.length < refs.length) {
        // Tagged with its kind, so the per-kind table (src/engine/hard-children.ts) shows which kind broke.
        t.check(req, false, `[${kind}] ${refs.length - sent.length} of ${refs.length} not accepted by ContactPoint (see the check above)`, { expected: `${refs.length} accepted`, actual: sent.length });
        continue;
      }
      const held = (c: ChildIdentity, i: number) => ({ exchange: sent[i]!.message.seq, child: body(sent[i]!.message).child, c });
      switch (kind) {
        case 'former-names': {
          const { exchange, child, c } = held(children[0]!, 0);
          const diffs = compareByMeaning(c.formerNames, child.formerNames);
          t.check(req, diffs.length === 0, diffs.length ? `[former-names] former names not sent as held: ${describeDifferences(diffs)}` : '[former-names] former names sent as held', { exchange, path: '/child/formerNames', expected: c.formerNames, actual: child.formerNames });
          break;
        }
        case 'no-fixed-abode': {
          const { exchange, child } = held(children[0]!, 0);
          t.check(req, child.residence.status === 'no-known-address', `[no-fixed-abode] residence sent as ${child.residence.status}`, { exchange, path: '/child/residence', expected: { status: 'no-known-address' }, actual: child.residence });
          break;
        }
        case 'twins': {
          const [a, b] = [cpIdOf(sent[0]!), cpIdOf(sent[1]!)];
          t.check(req, !!a && !!b && a !== b, a && b && a === b ? '[twins] both twins were filed as one child' : `[twins] two children on ContactPoint (${a ?? 'none'}, ${b ?? 'none'})`, { exchange: sent[1]!.message.seq, expected: 'two ContactPoint IDs', actual: [a, b] });
          children.forEach((c, i) => {
            const { exchange, child } = held(c, i);
            const diffs = compareByMeaning(c.identifiers, child.identifiers);
            t.check('CP-FEED-003', diffs.length === 0, `[twins] ${c.name.given} sent with their own identifiers${diffs.length ? `: ${describeDifferences(diffs)}` : ''}`, { exchange, path: '/child/identifiers', expected: c.identifiers, actual: child.identifiers });
          });
          break;
        }
        case 'birthday-tomorrow': {
          const { exchange, child, c } = held(children[0]!, 0);
          t.check(req, child.dateOfBirth === c.dateOfBirth, `[birthday-tomorrow] sent on the last day at 17 (born ${c.dateOfBirth})`, { exchange, path: '/child/dateOfBirth', expected: c.dateOfBirth, actual: child.dateOfBirth });
          break;
        }
        case 'one-identifier': {
          const { exchange, child, c } = held(children[0]!, 0);
          const diffs = compareByMeaning(c.identifiers, child.identifiers);
          t.check(req, diffs.length === 0, diffs.length ? `[one-identifier] identifiers not as held (only ${only}): ${describeDifferences(diffs)}` : `[one-identifier] only the ${only} held is sent`, { exchange, path: '/child/identifiers', expected: c.identifiers, actual: child.identifiers });
          break;
        }
      }
    }
  },
};
