/**
 * The exchange format (ExchangeEpisode) in and out of National eCAF's own episode record, and the
 * rules an incoming episode must meet before it is stored or held.
 */
import type { Finding } from '../../../src/platform/rules.js';
import { ECAF, type EcafRuleId } from '../rules.js';
import { SOCIAL_CARE_ROLES, type Agency, type Episode, type EpisodeEventKind, type ExchangeEpisode, type Origin } from '../schemas.js';
import { checkAssessment, checkChild, checkConsent, checkMember, checkReview, checkWithdrawal } from './checks.js';

const item = (path: string, id: EcafRuleId, message: string): Finding<EcafRuleId> => ECAF.finding(id, path, message);
const midnight = (day: string) => `${day}T00:00:00.000Z`;

/** Rules an incoming episode must meet (ECAF-EXCH-005 and the rules each part has when entered by hand). */
export function checkExchangeEpisode(x: ExchangeEpisode, today: string, path: string): Array<Finding<EcafRuleId>> {
  const out: Array<Finding<EcafRuleId>> = [...checkChild(x.child, today, `${path}/child`, x.status === 'open')];
  if (x.openedOn > today) out.push(item(`${path}/openedOn`, 'opened-not-in-future', `opened on ${x.openedOn}, after today (${today})`));
  if (x.openedOn < x.child.dateOfBirth) out.push(item(`${path}/openedOn`, 'opened-after-birth', 'opened before the child was born'));

  const ids = new Set<string>();
  let coordinators = 0;
  x.tac.forEach((m, i) => {
    const p = `${path}/tac/${i}`;
    if (ids.has(m.practitionerId)) out.push(item(`${p}/practitionerId`, 'listed-once', `${m.practitionerId} is listed twice`));
    ids.add(m.practitionerId);
    if (m.role === 'episode-coordinator') coordinators++;
    if (m.leftOn && m.leftOn < m.joinedOn) out.push(item(`${p}/leftOn`, 'left-after-joined', 'left before joining'));
    out.push(...checkMember(m, p));
  });
  if (coordinators > 1) out.push(item(`${path}/tac`, 'one-coordinator', 'an episode has at most one episode co-ordinator'));
  const active = new Set(x.tac.filter((m) => !m.leftOn).map((m) => m.practitionerId));
  if (x.status === 'open' && active.size === 0)
    out.push(item(`${path}/tac`, 'active-member', 'an open episode needs at least one current TAC member'));
  if (x.leadProfessional && !active.has(x.leadProfessional))
    out.push(item(`${path}/leadProfessional`, 'lead-is-member', `${x.leadProfessional} is not a current TAC member`));

  if (x.assessment) {
    out.push(...checkAssessment(x.assessment, x.child, today, `${path}/assessment`));
    const updated = x.assessment.lastUpdatedOn;
    if (updated && (updated < x.assessment.completedOn || updated > today))
      out.push(
        item(
          `${path}/assessment/lastUpdatedOn`,
          'after-opened',
          `last updated ${updated}: must fall between completion (${x.assessment.completedOn}) and today`,
        ),
      );
    if (!ids.has(x.assessment.assessedBy))
      out.push(item(`${path}/assessment/assessedBy`, 'assessor-is-member', `${x.assessment.assessedBy} is not in the TAC`));
  }
  x.deliveryPlan.forEach((a, i) => {
    if (a.responsible.kind === 'tac-member' && !ids.has(a.responsible.practitionerId))
      out.push(
        item(`${path}/deliveryPlan/${i}/responsible/practitionerId`, 'responsible-is-member', `${a.responsible.practitionerId} is not in the TAC`),
      );
    a.progress.forEach((p, j) => {
      if (p.by && !ids.has(p.by)) out.push(item(`${path}/deliveryPlan/${i}/progress/${j}/by`, 'progress-by-member', `${p.by} is not in the TAC`));
    });
  });
  x.reviews.forEach((r, i) => out.push(...checkReview(r, today, `${path}/reviews/${i}`)));
  x.consents.forEach((c, i) => {
    out.push(...checkConsent(c, today, `${path}/consents/${i}`));
    if (c.withdrawnOn) out.push(...checkWithdrawal(c.withdrawnOn, c.givenOn, today, `${path}/consents/${i}/withdrawnOn`));
  });

  if ((x.status === 'closed') !== (x.closure !== undefined))
    out.push(item(`${path}/closure`, 'closure-with-status', 'a closed episode carries its closure, and only a closed one'));
  if (x.closure) {
    if (x.closure.closedOn < x.openedOn || x.closure.closedOn > today)
      out.push(item(`${path}/closure/closedOn`, 'after-opened', `closed on ${x.closure.closedOn}: must fall between ${x.openedOn} and today`));
    if (x.closure.reason === 'transfer-to-alternative-holistic-assessment' && !x.socialCare)
      out.push(
        item(`${path}/closure/reason`, 'closure-follows-referral', 'transfer to alternative holistic assessment follows a referral to social care'),
      );
  }
  return out;
}

/** Why an incoming episode cannot be stored yet: no consent in force, or TAC agencies it does not cover. */
export function consentGaps(x: Pick<ExchangeEpisode, 'consents' | 'tac'>, path: string): Array<Finding<EcafRuleId>> {
  const inForce = x.consents.filter((c) => !c.withdrawnOn);
  if (inForce.length === 0) return [item(`${path}/consents`, 'consent-captured', 'no consent in force has been captured for this episode')];
  const covered = new Set<Agency>(inForce.flatMap((c) => c.sharing.map((s) => s.agency)));
  const gaps: Array<Finding<EcafRuleId>> = [];
  x.tac.forEach((m, i) => {
    if (!m.leftOn && !covered.has(m.agency))
      gaps.push(
        item(
          `${path}/tac/${i}/agency`,
          'tac-consent-covers-agency',
          `no consent in force shares this episode with ${m.agency} (${m.practitionerId})`,
        ),
      );
  });
  return gaps;
}

/** An incoming episode as National eCAF stores it. */
export function fromExchange(x: ExchangeEpisode, episodeId: string, origin: Exclude<Origin, { kind: 'opened' }>, now: string, by: string): Episode {
  const event: EpisodeEventKind = origin.kind === 'transfer' ? 'transferred-in' : 'imported';
  const { assessment } = x;
  return {
    episodeId,
    status: x.status,
    child: x.child,
    openedAt: midnight(x.openedOn),
    openSince: midnight(x.openedOn),
    lastUpdatedAt: now,
    origin,
    consents: x.consents.map(({ withdrawnOn, ...c }, i) => ({
      consentId: `C${i + 1}`,
      ...c,
      recordedAt: now,
      recordedBy: by,
      ...(withdrawnOn ? { withdrawal: { withdrawnOn, recordedAt: now, recordedBy: by } } : {}),
    })),
    tac: x.tac.map(({ joinedOn, leftOn, ...m }) => ({
      ...m,
      joinedAt: midnight(joinedOn),
      addedBy: by,
      ...(leftOn ? { leftAt: midnight(leftOn), removedBy: by } : {}),
    })),
    ...(x.leadProfessional ? { leadProfessional: x.leadProfessional } : {}),
    ...(assessment ? { assessment: { ...assessment, lastUpdatedOn: assessment.lastUpdatedOn ?? assessment.completedOn } } : {}),
    deliveryPlan: x.deliveryPlan.map(({ progress, ...a }, i) => ({
      actionId: `A${i + 1}`,
      ...a,
      progress: progress.map((p) => ({ at: midnight(p.on), by: p.by ?? by, status: a.status, note: p.note })),
      addedAt: now,
      addedBy: by,
    })),
    reviews: x.reviews.map((r, i) => ({ reviewId: `R${i + 1}`, ...r, recordedAt: now, recordedBy: by })),
    ...(x.socialCare
      ? {
          socialCare: {
            state: x.socialCare.state,
            referredAt: midnight(x.socialCare.referredOn),
            referredBy: by,
            referralNote: x.socialCare.referralNote,
            ...(x.socialCare.responsibilityNote ? { responsibilityNote: x.socialCare.responsibilityNote } : {}),
          },
        }
      : {}),
    ...(x.closure
      ? {
          closure: {
            reason: x.closure.reason,
            closedAt: midnight(x.closure.closedOn),
            closedBy: by,
            ...(x.closure.note ? { note: x.closure.note } : {}),
          },
        }
      : {}),
    events: [
      { at: now, by, event, detail: origin.kind === 'seed' ? `seeded as ${origin.localRef}` : `from ${origin.clientId} as ${origin.localRef}` },
    ],
    exports: [],
  };
}

/** A stored episode in the exchange format; its localRef is the national episode ID. */
export function toExchange(ep: Episode): ExchangeEpisode {
  const day = (t: string) => t.slice(0, 10);
  const members = new Set(ep.tac.map((m) => m.practitionerId));
  return {
    localRef: ep.episodeId,
    openedOn: day(ep.openedAt),
    child: ep.child,
    consents: ep.consents.map(({ consentId: _i, recordedAt: _a, recordedBy: _b, withdrawal, ...c }) => ({
      ...c,
      ...(withdrawal ? { withdrawnOn: withdrawal.withdrawnOn } : {}),
    })),
    tac: ep.tac.map(({ joinedAt, leftAt, addedBy: _a, removedBy: _r, ...m }) => ({
      ...m,
      joinedOn: day(joinedAt),
      ...(leftAt ? { leftOn: day(leftAt) } : {}),
    })),
    ...(ep.leadProfessional ? { leadProfessional: ep.leadProfessional } : {}),
    ...(ep.assessment ? { assessment: ep.assessment } : {}),
    deliveryPlan: ep.deliveryPlan.map(({ actionId: _i, addedAt: _a, addedBy: _b, progress, ...a }) => ({
      ...a,
      // Progress recorded by a local system's client is kept without an author: only TAC members are named.
      progress: progress.map((p) => ({ on: day(p.at), ...(members.has(p.by) ? { by: p.by } : {}), note: p.note })),
    })),
    reviews: ep.reviews.map(({ reviewId: _i, recordedAt: _a, recordedBy: _b, ...r }) => r),
    status: ep.status,
    ...(ep.closure
      ? { closure: { reason: ep.closure.reason, closedOn: day(ep.closure.closedAt), ...(ep.closure.note ? { note: ep.closure.note } : {}) } }
      : {}),
    ...(ep.socialCare
      ? {
          socialCare: {
            state: ep.socialCare.state,
            referredOn: day(ep.socialCare.referredAt),
            referralNote: ep.socialCare.referralNote,
            ...(ep.socialCare.responsibilityNote ? { responsibilityNote: ep.socialCare.responsibilityNote } : {}),
          },
        }
      : {}),
  };
}

/** Whether a TAC role is one only children's social care fills. */
export const isSocialCareRole = (role: string): boolean => (SOCIAL_CARE_ROLES as readonly string[]).includes(role);
