/**
 * The reference ICS's local eCAF module: holds CAF episodes, tells ContactPoint a CAF exists (and
 * who to contact) whenever one is logged or updated, transfers single episodes to and from National
 * eCAF only with consent in force, and exports a migration batch without inventing consent.
 */
import type { ExchangeEpisode, ConsentInput } from '../mocks/ecaf/schemas.js';
import { ExchangeEpisode as ExchangeEpisodeSchema } from '../mocks/ecaf/schemas.js';
import type { CafIndicatorMessage } from '../mocks/contactpoint/schemas.js';
import { validator, toProblemItems } from '../src/platform/validate.js';
import type { ProblemItem } from '../src/platform/problem.js';
import type { Outbox } from './outbox.js';
import type { Variant } from './variants.js';
import { newMessageId, sentAtNow } from './wire.js';

export class LocalEcafRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: ProblemItem[] = [],
  ) {
    super(message);
  }
}

interface Held {
  holdId: string;
  released: boolean;
}

/** Consent in force covers every current TAC member's agency. */
export function consentCovers(ep: ExchangeEpisode, today: string, ignoreWithdrawal = false): boolean {
  const inForce = ep.consents.filter((c) => ignoreWithdrawal || !c.withdrawnOn || c.withdrawnOn > today);
  const agencies = new Set(inForce.flatMap((c) => c.sharing.map((s) => s.agency)));
  return inForce.length > 0 && ep.tac.filter((m) => !m.leftOn).every((m) => agencies.has(m.agency));
}

export class LocalEcaf {
  private readonly episodes = new Map<string, ExchangeEpisode>();
  private readonly byExport = new Map<string, string>();
  private readonly holds = new Map<string, Held>();
  private seq = 0;

  constructor(
    private readonly outbox: Outbox,
    private readonly variants: ReadonlySet<Variant>,
    private readonly today: () => string,
  ) {}

  log(episode: ExchangeEpisode): string {
    const ref = `E${++this.seq}`;
    this.episodes.set(ref, structuredClone(episode));
    this.notifyContactPoint(ref);
    return ref;
  }

  update(ref: string, episode: ExchangeEpisode): void {
    this.get(ref);
    this.episodes.set(ref, structuredClone(episode));
    if (!this.variants.has('stale-caf-indicator')) this.notifyContactPoint(ref, true);
  }

  get(ref: string): ExchangeEpisode {
    const ep = this.episodes.get(ref);
    if (!ep) throw new LocalEcafRefusal(404, `no episode ${ref}`);
    return ep;
  }

  /** The CAF indicator: that an assessment exists and whom to contact. Nothing of its content. */
  private notifyContactPoint(ref: string, update = false): void {
    if (this.variants.has('no-caf-indicator')) return;
    const ep = this.get(ref);
    const assessorId = ep.assessment?.assessedBy ?? ep.leadProfessional ?? ep.tac[0]!.practitionerId;
    const assessor = ep.tac.find((m) => m.practitionerId === assessorId) ?? ep.tac[0]!;
    let contact = assessor.contact;
    if (this.variants.has('central-team-contact'))
      contact = { kind: 'team', teamName: 'Early help hub', organisation: contact.organisation, phone: '0300 123 4001' };
    if (this.variants.has('caf-content-in-indicator') && contact.kind === 'practitioner')
      contact = { ...contact, role: `${contact.role}; needs: ${ep.assessment?.reasonForAssessment ?? ''}`.slice(0, 80) };
    const needs = ep.assessment?.elements.map((e) => e.needs).find((x) => x && x.length > 30);
    if (update && this.variants.has('caf-content-in-update') && contact.kind === 'practitioner' && needs)
      contact = { ...contact, role: `Update: ${needs}`.slice(0, 80) };
    const msg: CafIndicatorMessage = {
      messageId: newMessageId(this.variants),
      episodeRef: `REFICS.CAF.${ref}`,
      sentAt: sentAtNow(this.variants),
      child: ep.child,
      status: ep.status,
      assessor: contact,
      completedOn: ep.assessment?.completedOn ?? ep.openedOn,
    };
    this.outbox.send('submitCafIndicator', 'POST', '/contactpoint/v1/caf-indicators', msg);
  }

  /** Single-episode transfer into National eCAF: only with consent in force, never partial. */
  transferOut(ref: string): void {
    const ep = structuredClone(this.get(ref));
    if (!consentCovers(ep, this.today(), this.variants.has('ignores-withdrawal')) && !this.variants.has('transfers-without-consent'))
      throw new LocalEcafRefusal(409, "no consent in force covers this episode's Team Around the Child: capture consent before transferring");
    if (this.variants.has('partial-transfer')) ep.deliveryPlan = [];
    if (this.variants.has('transfer-trims-assessment') && ep.assessment)
      ep.assessment.reasonForAssessment = ep.assessment.reasonForAssessment.slice(0, 60);
    if (this.variants.has('transfer-redates-consent')) ep.consents = ep.consents.map((c) => ({ ...c, givenOn: this.today() }));
    if (this.variants.has('transfer-unknown-field')) (ep as Record<string, unknown>).caseNotes = 'Local case notes travel with the episode.';
    this.outbox.send('transferEpisodeIn', 'POST', '/ecaf/v1/exchange/transfers', { messageId: newMessageId(this.variants), episode: ep });
  }

  /** Receives an episode exported by National eCAF. Idempotent on the export ID. */
  receive(exportId: string, episode: unknown): { ref: string; repeat: boolean } {
    const known = this.byExport.get(exportId);
    if (known && this.variants.has('refuses-repeat')) throw new LocalEcafRefusal(409, `export ${exportId} was already received`);
    if (known && !this.variants.has('duplicate-import')) return { ref: known, repeat: true };
    const v = validator(ExchangeEpisodeSchema);
    if (!v(episode) && !this.variants.has('accepts-malformed'))
      throw new LocalEcafRefusal(422, 'the episode does not match the exchange format', toProblemItems(v.errors, 'ECAF-IN-002', '/episode'));
    const ep = structuredClone(episode as ExchangeEpisode);
    if (!this.variants.has('accepts-malformed') && !consentCovers(ep, this.today()) && !this.variants.has('accepts-unconsented-transfer'))
      throw new LocalEcafRefusal(409, 'no consent in force covers this episode: it cannot be received', [
        { path: '/episode/consents', rule: 'consent-in-force', requirement: 'ECAF-IN-002', message: 'no consent in force covering the TAC' },
      ]);
    const ref = `E${++this.seq}`;
    if (this.variants.has('drops-consents-in')) ep.consents = [];
    if (this.variants.has('trims-assessment-in') && ep.assessment) ep.assessment.reasonForAssessment = ep.assessment.reasonForAssessment.slice(0, 60);
    if (this.variants.has('own-local-refs')) ep.localRef = `REFICS.IN.${ref}`;
    this.episodes.set(ref, ep);
    this.byExport.set(exportId, ref);
    return { ref, repeat: false };
  }

  /** Every local episode in one batch, consent exactly as captured (none is invented). */
  exportMigration(): void {
    let episodes = [...this.episodes.entries()];
    if (this.variants.has('skips-closed-episodes')) episodes = episodes.filter(([, e]) => e.status === 'open');
    if (this.variants.has('skips-unconsented')) episodes = episodes.filter(([, e]) => e.consents.length > 0);
    const batch = episodes.map(([, e]) => {
      if (this.variants.has('consent-date-rewritten')) return { ...e, consents: e.consents.map((c) => ({ ...c, givenOn: this.today() })) };
      if (this.variants.has('fabricates-consent') && e.consents.length === 0)
        return {
          ...e,
          consents: [
            {
              givenBy: { role: 'parent' as const, name: e.child.parentsCarers[0]?.name ?? e.child.name },
              givenOn: this.today(),
              sharing: [...new Set(e.tac.map((m) => m.agency))].map((agency) => ({ agency, information: ['assessment' as const] })),
              involveParentsCarers: true,
            },
          ],
        };
      return e;
    });
    this.outbox.send(
      'importMigrationBatch',
      'POST',
      '/ecaf/v1/exchange/migrations',
      { batchRef: `REFICS.MIG.${++this.seq}`, episodes: batch },
      (report) => {
        for (const r of (report as { results?: Array<{ localRef?: string; outcome: string; holdId?: string }> }).results ?? [])
          if (r.outcome === 'held-for-consent' && r.localRef && r.holdId) this.holds.set(r.localRef, { holdId: r.holdId, released: false });
      },
    );
  }

  /** Consent captured by hand for a migrated episode: record it at National eCAF, then release the hold. */
  captureConsent(ref: string, consent: ConsentInput): void {
    const ep = this.get(ref);
    ep.consents.push(consent);
    const hold = this.holds.get(ep.localRef);
    if (!hold || hold.released || this.variants.has('never-releases-held')) return;
    if (this.variants.has('releases-without-consent')) {
      this.outbox.send('releaseHeldEpisode', 'POST', `/ecaf/v1/exchange/held/${hold.holdId}/release`);
      return;
    }
    this.outbox.send('recordHeldConsent', 'POST', `/ecaf/v1/exchange/held/${hold.holdId}/consents`, consent, () => {
      this.outbox.send('releaseHeldEpisode', 'POST', `/ecaf/v1/exchange/held/${hold.holdId}/release`, undefined, () => {
        hold.released = true;
      });
    });
  }
}
