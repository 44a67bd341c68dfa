import type { TestDef } from '../../src/harness/engine/types.js';
import type { ChildIdentity } from '../../src/platform/schemas/common.js';
import { describeDifferences, compareByMeaning } from '../../src/harness/engine/compare.js';
import { HARD_CHILD_KINDS, HARD_CHILD_RULES, kindFitsCaseload } from '../../src/harness/model/hard-children.js';
import { TestContext } from '../../src/harness/engine/context.js';
import type { JournalEntry } from '../../src/platform/journal.js';
import { aSystem } from '../../src/harness/model/profiles.js';
import { body, referChild, type Referral } from '../support.js';

const describeHeld = (c: ChildIdentity) => (Object.keys(c.identifiers).length ? `only ${Object.keys(c.identifiers).join(', ')}` : 'none held');

const cpIdOf = (r: Referral) => (r.message?.responseBody as { contactPointId?: string } | undefined)?.contactPointId;

export const hardChildren: TestDef = {
  id: 'CP-FEED-015.hard-children',
  title:
    'Children that break naive systems (former and unusual names, no fixed abode or unknown whereabouts, twins ' +
    'and triplets, the 18th birthday, one identifier or none, born today) reach ContactPoint as themselves, or not ' +
    'at all when 18',
  requirements: ['CP-FEED-015', 'CP-FEED-016', 'CP-FEED-003', 'CP-FEED-005'],
  async run(t) {
    const { caseload, identifiers } = t.profile;
    // The one identifier is the one this kind of system holds (a school's UPN, Connexions' ULN), else the NHS number.
    const only = identifiers[0] ?? 'nhsNumber';
    const unsent: Array<{ kind: string; req: string; ref: Referral }> = [];
    for (const kind of HARD_CHILD_KINDS) {
      const { requirement: req, sent: mustSend } = HARD_CHILD_RULES[kind];
      if (!kindFitsCaseload(kind, caseload)) {
        // Tagged so the per-kind table says NOT APPLICABLE, never PASSED: a newborn is on no school's roll.
        t.step(`[${kind}] not applicable to ${aSystem(t.profile.type)}: its caseload is ${caseload.minAge} to ${caseload.maxAge}`);
        continue;
      }
      // The identifiers a kind is about are its own: a child with no identifier holds none of the profile's either.
      const holding = kind === 'no-identifier' || kind === 'only-uln' || kind === 'only-upn' || kind === 'born-today' ? [] : identifiers;
      const children = t.data.hardChildren(kind, { only, minAge: caseload.minAge, maxAge: caseload.maxAge, holding });
      t.step(`[${kind}] ${children.length === 1 ? 'A child' : `${children.length} children`} of this kind: ${HARD_CHILD_RULES[kind].what}`);
      if (!mustSend) {
        // Judged together after the loop: one wait for every young person who must not be sent.
        unsent.push({ kind, req, ref: await referChild(t, { child: children[0]!, expect: false }) });
        continue;
      }
      const refs: Referral[] = [];
      for (const child of children) refs.push(await referChild(t, { child, requirement: req }));
      const sent = refs.filter((r): r is Referral & { message: NonNullable<Referral['message']> } => r.message !== undefined);
      if (sent.length < refs.length) {
        // Tagged with its kind, so the per-kind table (src/harness/model/hard-children.ts) shows which kind broke.
        t.check(req, false, `[${kind}] ${refs.length - sent.length} of ${refs.length} not accepted by ContactPoint (see the check above)`, {
          expected: `${refs.length} accepted`,
          actual: sent.length,
        });
        continue;
      }
      const held = (c: ChildIdentity, i: number) => ({ exchange: sent[i]!.message.seq, child: body(sent[i]!.message).child, c });
      switch (kind) {
        case 'former-names': {
          const { exchange, child, c } = held(children[0]!, 0);
          const diffs = compareByMeaning(c.formerNames, child.formerNames);
          t.check(
            req,
            diffs.length === 0,
            diffs.length ? `[former-names] former names not sent as held: ${describeDifferences(diffs)}` : '[former-names] former names sent as held',
            { exchange, path: '/child/formerNames', expected: c.formerNames, actual: child.formerNames },
          );
          break;
        }
        case 'no-fixed-abode': {
          const { exchange, child } = held(children[0]!, 0);
          t.check(req, child.residence.status === 'no-known-address', `[no-fixed-abode] residence sent as ${child.residence.status}`, {
            exchange,
            path: '/child/residence',
            expected: { status: 'no-known-address' },
            actual: child.residence,
          });
          break;
        }
        case 'twins':
        case 'triplets': {
          const ids = sent.map(cpIdOf);
          const distinct = new Set(ids.filter(Boolean)).size;
          const n = children.length;
          t.check(
            req,
            distinct === n && ids.every(Boolean),
            distinct < n && ids.every(Boolean)
              ? `[${kind}] ${n} children filed as ${distinct} on ContactPoint`
              : `[${kind}] ${n} children on ContactPoint (${ids.map((x) => x ?? 'none').join(', ')})`,
            { exchange: sent[n - 1]!.message.seq, expected: `${n} ContactPoint IDs`, actual: ids },
          );
          children.forEach((c, i) => {
            const { exchange, child } = held(c, i);
            const diffs = compareByMeaning(c.identifiers, child.identifiers);
            t.check(
              'CP-FEED-003',
              diffs.length === 0,
              `[${kind}] ${c.name.given} sent with their own identifiers${diffs.length ? `: ${describeDifferences(diffs)}` : ''}`,
              { exchange, path: '/child/identifiers', expected: c.identifiers, actual: child.identifiers },
            );
          });
          break;
        }
        case 'punctuated-names':
        case 'non-latin-names':
        case 'long-names': {
          const { exchange, child, c } = held(children[0]!, 0);
          const diffs = compareByMeaning(c.name, child.name);
          t.check(
            req,
            diffs.length === 0,
            diffs.length ? `[${kind}] name not sent as held: ${describeDifferences(diffs)}` : `[${kind}] name sent as held`,
            { exchange, path: '/child/name', expected: c.name, actual: child.name },
          );
          break;
        }
        case 'address-unknown': {
          const { exchange, child, c } = held(children[0]!, 0);
          const diffs = compareByMeaning(c.residence, child.residence);
          t.check(
            req,
            diffs.length === 0,
            diffs.length
              ? `[address-unknown] residence not sent as held (last known): ${describeDifferences(diffs)}`
              : '[address-unknown] last known address sent as last known',
            { exchange, path: '/child/residence', expected: c.residence, actual: child.residence },
          );
          break;
        }
        case 'born-today': {
          const { exchange, child, c } = held(children[0]!, 0);
          t.check(
            req,
            child.dateOfBirth === c.dateOfBirth,
            `[born-today] sent on the day of birth (born ${c.dateOfBirth}, sent ${child.dateOfBirth})`,
            { exchange, path: '/child/dateOfBirth', expected: c.dateOfBirth, actual: child.dateOfBirth },
          );
          break;
        }
        case 'eighteen-today':
        case 'eighteen-yesterday':
          break;
        case 'birthday-tomorrow': {
          const { exchange, child, c } = held(children[0]!, 0);
          t.check(req, child.dateOfBirth === c.dateOfBirth, `[birthday-tomorrow] sent on the last day at 17 (born ${c.dateOfBirth})`, {
            exchange,
            path: '/child/dateOfBirth',
            expected: c.dateOfBirth,
            actual: child.dateOfBirth,
          });
          break;
        }
        case 'only-uln':
        case 'only-upn':
        case 'no-identifier':
        case 'one-identifier': {
          const { exchange, child, c } = held(children[0]!, 0);
          const diffs = compareByMeaning(c.identifiers, child.identifiers);
          t.check(
            req,
            diffs.length === 0,
            diffs.length
              ? `[${kind}] identifiers not as held (${describeHeld(c)}): ${describeDifferences(diffs)}`
              : `[${kind}] identifiers sent as held (${describeHeld(c)})`,
            { exchange, path: '/child/identifiers', expected: c.identifiers, actual: child.identifiers },
          );
          break;
        }
      }
    }
    if (unsent.length) await judgeUnsent(t, unsent);
  },
};

/**
 * 18 or over on the message date: ContactPoint holds children up to their 18th birthday (guidance
 * note 2.2), so nothing is sent. Sending is the fault, whether or not ContactPoint then refuses it.
 */
async function judgeUnsent(t: TestContext, unsent: Array<{ kind: string; req: string; ref: Referral }>): Promise<void> {
  const about = (r: Referral) => (e: JournalEntry) => e.operationId === 'submitInvolvement' && TestContext.aboutChild(r.child)(e);
  await t.sentWithin((e) => unsent.some((u) => about(u.ref)(e)));
  // Whatever else was on its way lands before the verdicts.
  await t.mock.settle(t.timeouts.quietMs, t.timeouts.messageMs);
  const entries = await t.sutEntries();
  for (const { kind, req, ref } of unsent) {
    const m = entries.find(about(ref));
    t.check(
      req,
      !m,
      m
        ? `[${kind}] an involvement for a young person of 18 was sent to ContactPoint (born ${ref.child.dateOfBirth}; answered ${m.status})`
        : `[${kind}] nothing sent for a young person of 18 within ${t.timeouts.messageMs} ms`,
      {
        ...(m ? { exchange: m.seq } : {}),
        expected: 'no message',
        actual: m ? `sent, answered ${m.status}` : 'none',
      },
    );
  }
}
