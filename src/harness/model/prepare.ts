/**
 * The result as it goes into the evidence: credentials masked, the privacy scan attached. Every
 * reporter and the bundle read this form, so no output can leak what another masks.
 */
import type { RunResult } from './result.js';
import { maskSecrets } from './mask.js';
import { scanPrivacy, type PrivacyReport } from './privacy.js';
import type { Static } from '../../platform/schema.js';
import type { RunResultSchema } from './result-schema.js';

/** RunResult plus what the evidence step adds: results.json, the static type of its schema. */
export type EvidenceResult = Static<typeof RunResultSchema>;

const PREPARED = Symbol.for('ics-conformance.evidence.prepared');

/**
 * Masks credentials and runs the privacy scan. Idempotent (an already prepared result is returned as is).
 * @example const safe = prepareResult(await runDemo()); safe.privacy?.findings.length // 0
 */
export function prepareResult(result: RunResult): EvidenceResult {
  if ((result as unknown as Record<symbol, unknown>)[PREPARED]) return result;
  const masked = maskSecrets(result);
  const out: EvidenceResult = { ...masked, privacy: scanPrivacy(masked) };
  Object.defineProperty(out, PREPARED, { value: true, enumerable: false });
  return out;
}

/** The privacy report of a result: the attached one, or a scan now. */
export function privacyOf(result: RunResult): PrivacyReport {
  return (result as EvidenceResult).privacy ?? scanPrivacy(result);
}
