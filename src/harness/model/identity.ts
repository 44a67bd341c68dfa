/**
 * The system under test's self-report (driver API /system) against the conformance statement: a run
 * of "Acme ICS 9.9.9" must be of the system the statement declares. A mismatch is reported in every
 * report, and the run cannot PASS unless a waiver for it (`identity: true`) is recorded (decision 0012).
 */
import type { Statement } from './statement.js';
import type { RunResult, RunSummary, WaiverResult } from './result.js';

export type Identity = NonNullable<RunResult['identity']>;
const FIELDS = ['vendor', 'product', 'version'] as const;

export function checkIdentity(
  statement: Statement,
  reported: { vendor: string; product: string; version: string } | undefined,
  today: string,
): Identity {
  const declared = { vendor: statement.vendor, product: statement.product, version: statement.version };
  const mismatches = reported ? FIELDS.filter((f) => reported[f] !== declared[f]) : [];
  const waiver = (statement.waivers ?? []).find((w) => w.identity && w.expires >= today);
  return {
    declared,
    matches: mismatches.length === 0,
    mismatches: [...mismatches],
    ...(mismatches.length && waiver ? { waiver: { reason: waiver.reason, approver: waiver.approver, expires: waiver.expires } } : {}),
  };
}

/** An unwaived mismatch turns a PASS into a FAIL (exit 1); a worse verdict stays. */
export function gateOnIdentity(summary: RunSummary, identity: Identity): RunSummary {
  if (identity.matches || identity.waiver || summary.exitCode !== 0) return summary;
  return { ...summary, verdict: 'fail', label: 'FAIL', exitCode: 1 };
}

/** An identity waiver is used when it covered a mismatch (the generic waiver pass sees it as unused). */
export function markIdentityWaivers(waivers: WaiverResult[], identity: Identity): WaiverResult[] {
  return waivers.map((w) => (w.identity && w.state === 'unused' && identity.waiver ? { ...w, state: 'used' as const } : w));
}

/** One line for every report: empty when the identity matches. */
export function identityLine(identity: Identity | undefined, sut: { vendor: string; product: string; version: string }): string | undefined {
  if (!identity || identity.matches) return undefined;
  const d = identity.declared;
  const what = identity.mismatches.map((f) => `${f} "${sut[f]}" (declared "${d[f]}")`).join(', ');
  return (
    `The system under test is not the one the conformance statement declares: ${what}` +
    `. ${identity.waiver ? `Waived: ${identity.waiver.reason} (${identity.waiver.approver}, expires ${identity.waiver.expires}).` : 'The run cannot pass without a recorded waiver.'}`
  );
}
