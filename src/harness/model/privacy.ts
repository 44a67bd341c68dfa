/**
 * Privacy scan: flags identifiers in the evidence that look real, so real children's data in a
 * vendor's test build is caught before the evidence is filed or a summary is posted to a PR.
 *
 * Synthetic means one of:
 *  - an NHS number in the 999 test range (numbers that fail the modulus 11 check are not anyone's);
 *  - a postcode in one of the outward codes the synthetic population draws addresses from
 *    (fixtures/population.ts SYNTHETIC_OUTWARD_CODES; Hannah's story uses the same areas);
 *  - a name whose given, middle and family parts all come from the name lists the population is
 *    drawn from (faker's en/en_GB person lists; a double-barrelled family name part by part) or from
 *    Hannah's story;
 *  - any value the harness itself gave the SUT in this run (a test may write its own values, such as
 *    a former name or a new address): the SUT only echoed it.
 * Only what the SUT originated is scanned: its requests to the mock services and its answers to the
 * harness. Findings show the value partly masked, with where it was, so a report posted to a pull
 * request does not spread it further.
 */
import { en as fakerEn } from '@faker-js/faker';
import { isValidNhsNumber, isValidPostcode } from '../../platform/identifiers/index.js';
import { hannahChildren, hannahMother, hannahPractitioners } from '../../../fixtures/hannah.js';
import { SYNTHETIC_OUTWARD_CODES } from '../../../fixtures/population.js';
import type { RunResult } from './result.js';
import type { Exchange } from './result-types.js';
import type { Static } from '../../platform/schema.js';
import type { PrivacyFindingSchema, PrivacyReportSchema } from './result-schema.js';

/** The static types of the result schema (./result-schema.ts, their single source). */
export type PrivacyFinding = Static<typeof PrivacyFindingSchema>;
export type PrivacyReport = Static<typeof PrivacyReportSchema>;
export type PrivacyKind = PrivacyFinding['kind'];

const lower = (xs: Iterable<string>) => new Set([...xs].map((x) => x.toLowerCase()));
const storyPeople = [hannahMother.name, ...hannahChildren.map((c) => c.identity.name), ...Object.values(hannahPractitioners).map((p) => p.name)];
const fn = fakerEn.person?.first_name as { generic?: string[]; female?: string[]; male?: string[] } | undefined;
const ln = fakerEn.person?.last_name as { generic?: string[] } | undefined;
const FIRST_NAMES = lower([
  ...(fn?.generic ?? []),
  ...(fn?.female ?? []),
  ...(fn?.male ?? []),
  ...storyPeople.flatMap((n) => [n.given, ...(n.middle ? [n.middle] : [])]),
]);
const LAST_NAMES = lower([...(ln?.generic ?? []), ...storyPeople.map((n) => n.family)]);

/** True for a 10-digit NHS number that passes its check and lies outside the 999 test range. */
export function looksLikeRealNhsNumber(value: string): boolean {
  const n = value.replace(/[\s-]/g, '');
  return /^\d{10}$/.test(n) && !n.startsWith('999') && isValidNhsNumber(n);
}

/** True for a well-formed UK postcode whose outward code is not one of the synthetic population's areas. */
export function looksLikeRealPostcode(value: string): boolean {
  const p = value.trim().toUpperCase().replace(/\s+/g, ' ');
  const compact = p.replace(/ /g, '');
  if (compact.length < 5 || compact.length > 7) return false;
  const spaced = `${compact.slice(0, -3)} ${compact.slice(-3)}`;
  if (!isValidPostcode(spaced)) return false;
  return !SYNTHETIC_OUTWARD_CODES.has(compact.slice(0, -3));
}

/** True for a person's name with a part that is in none of the synthetic population's name lists. */
export function looksLikeRealName(name: { given: string; middle?: string | undefined; family: string }): boolean {
  const given = [name.given, ...(name.middle ? [name.middle] : [])].flatMap((g) => g.trim().split(/\s+/));
  const family = name.family.trim().split(/-/);
  return given.some((g) => !FIRST_NAMES.has(g.toLowerCase())) || family.some((f) => !LAST_NAMES.has(f.trim().toLowerCase()));
}

function maskValue(kind: PrivacyKind, v: string): string {
  if (kind === 'nhs-number') {
    const n = v.replace(/\D/g, '');
    return `${n.slice(0, 3)} *** **${n.slice(-2)}`;
  }
  if (kind === 'postcode') {
    const c = v.toUpperCase().replace(/\s+/g, '');
    return `${c.slice(0, -3)} ***`;
  }
  return v
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => `${w[0]}${'*'.repeat(Math.min(5, Math.max(2, w.length - 1)))}`)
    .join(' ');
}

interface Hit {
  kind: PrivacyKind;
  raw: string;
  path: string;
  name?: { given: string; middle?: string; family: string };
}

const isName = (o: Record<string, unknown>): o is { given: string; middle?: string; family: string } =>
  typeof o.given === 'string' && typeof o.family === 'string' && (o.middle === undefined || typeof o.middle === 'string');

function walk(value: unknown, path: string, key: string, out: Hit[], depth = 0): void {
  if (depth > 64) return;
  if (typeof value === 'string') {
    if (/^nhs[-_]?(number|no)$/i.test(key)) out.push({ kind: 'nhs-number', raw: value, path });
    else if (/post[-_]?code/i.test(key)) out.push({ kind: 'postcode', raw: value, path });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => walk(v, `${path}/${i}`, key, out, depth + 1));
    return;
  }
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (isName(o))
      out.push({
        kind: 'name',
        raw: [o.given, o.middle, o.family].filter(Boolean).join(' '),
        path,
        name: { given: o.given, family: o.family, ...(o.middle ? { middle: o.middle } : {}) },
      });
    for (const [k, v] of Object.entries(o)) walk(v, `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, k, out, depth + 1);
  }
}

function queryHits(url: string): Hit[] {
  const q = url.indexOf('?');
  if (q < 0) return [];
  const out: Hit[] = [];
  for (const [k, v] of new URLSearchParams(url.slice(q + 1))) {
    if (/^nhs[-_]?(number|no)$/i.test(k)) out.push({ kind: 'nhs-number', raw: v, path: k });
    else if (/post[-_]?code/i.test(k)) out.push({ kind: 'postcode', raw: v, path: k });
  }
  return out;
}

const keyOf = (h: { kind: PrivacyKind; raw: string }) => `${h.kind}:${h.raw.toLowerCase().replace(/[\s-]/g, '')}`;

function judge(h: Hit): string | undefined {
  if (h.kind === 'nhs-number') return looksLikeRealNhsNumber(h.raw) ? 'a valid NHS number outside the 999 test range' : undefined;
  if (h.kind === 'postcode') return looksLikeRealPostcode(h.raw) ? "a postcode outside the synthetic population's areas" : undefined;
  return h.name && looksLikeRealName(h.name) ? 'a name that is not from the synthetic population' : undefined;
}

/** What the SUT originated in an exchange (and where): its requests to the mocks, its answers to the harness. */
function sutContent(e: Exchange): Array<{ where: PrivacyFinding['where']; hits: Hit[] }> {
  const body = (v: unknown) => {
    const hits: Hit[] = [];
    walk(v, '', '', hits);
    return hits;
  };
  if (e.direction === 'sut->mock')
    return [
      { where: 'request', hits: body(e.requestBody) },
      { where: 'url', hits: queryHits(e.url) },
    ];
  if (e.direction === 'harness->sut') return [{ where: 'response', hits: body(e.responseBody) }];
  return [];
}

/** What the harness gave the SUT (or the mocks) itself: the SUT echoing it is no finding. */
function harnessSupplied(result: RunResult): Set<string> {
  const supplied = new Set<string>();
  for (const t of result.tests)
    for (const e of t.exchanges) {
      if (e.direction === 'sut->mock') continue;
      const hits: Hit[] = [];
      walk(e.requestBody, '', '', hits);
      for (const h of [...hits, ...queryHits(e.url)]) supplied.add(keyOf(h));
    }
  return supplied;
}

/**
 * Scans the evidence of a run for identifiers that look real.
 * @example const { findings } = scanPrivacy(result); if (findings.length) console.warn('real-looking data in the evidence');
 */
export function scanPrivacy(result: RunResult): PrivacyReport {
  const supplied = harnessSupplied(result);
  const found = new Map<string, PrivacyFinding>();
  let scanned = 0;
  for (const t of result.tests)
    for (const e of t.exchanges) {
      const parts = sutContent(e);
      if (parts.length) scanned++;
      for (const { where, hits } of parts)
        for (const h of hits) {
          const k = keyOf(h);
          if (supplied.has(k)) continue;
          const prior = found.get(k);
          if (prior) {
            prior.occurrences++;
            continue;
          }
          const reason = judge(h);
          if (!reason) continue;
          found.set(k, { kind: h.kind, value: maskValue(h.kind, h.raw), reason, test: t.id, exchange: e.n, where, path: h.path, occurrences: 1 });
        }
    }
  return { scanned, findings: [...found.values()] };
}
