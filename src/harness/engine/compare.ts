/**
 * Comparison by meaning, the one way every suite compares what the system sent or stored against
 * what was recorded. JSON has no key order, so none is judged; what a schema leaves optional may be
 * absent or present as undefined; text is compared in Unicode normal form C (a system may store
 * "é" decomposed); a date-time is an instant (2026-12-04T10:00:00Z equals 10:00:00.000+00:00);
 * arrays of records are sets (a TAC listed in another order is the same TAC), arrays of plain
 * values keep their order (address lines). See docs/decisions/0030-judge-by-meaning.md.
 */

export interface Difference {
  /** JSON pointer to where the two differ. */
  path: string;
  kind: 'missing' | 'unexpected' | 'changed';
  expected?: unknown;
  actual?: unknown;
}

export interface CompareOptions {
  /** JSON pointers (with `*` for any array index or key) whose values are not compared. */
  ignore?: string[];
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const escape = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

function ignored(path: string, patterns: string[]): boolean {
  const parts = path.split('/');
  return patterns.some((p) => {
    const q = p.split('/');
    return q.length === parts.length && q.every((s, i) => s === '*' || s === parts[i]);
  });
}

function sameScalar(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') {
    if (a.normalize('NFC') === b.normalize('NFC')) return true;
    if (DATE_TIME.test(a) && DATE_TIME.test(b)) return Date.parse(a) === Date.parse(b);
    return false;
  }
  return Object.is(a, b) || (typeof a === 'number' && a === b);
}

/** Every difference between what was expected and what came, by meaning; empty when they mean the same. */
export function compareByMeaning(expected: unknown, actual: unknown, opts: CompareOptions = {}): Difference[] {
  return diffsAt(expected, actual, '', opts.ignore ?? []);
}

export function sameMeaning(expected: unknown, actual: unknown, opts: CompareOptions = {}): boolean {
  return compareByMeaning(expected, actual, opts).length === 0;
}

function walk(e: unknown, a: unknown, path: string, ignore: string[], out: Difference[]): void {
  if (path && ignored(path, ignore)) return;
  if (e === undefined && a === undefined) return;
  if (e === undefined) return void out.push({ path: path || '/', kind: 'unexpected', actual: a });
  if (a === undefined) return void out.push({ path: path || '/', kind: 'missing', expected: e });
  if (isRecord(e) && isRecord(a)) {
    const keys = new Set([...Object.keys(e), ...Object.keys(a)]);
    for (const k of [...keys].sort()) walk(e[k], a[k], `${path}/${escape(k)}`, ignore, out);
    return;
  }
  if (Array.isArray(e) && Array.isArray(a)) {
    if (e.some(isRecord) || a.some(isRecord)) return compareAsSet(e, a, path, ignore, out);
    const n = Math.max(e.length, a.length);
    for (let i = 0; i < n; i++) walk(e[i], a[i], `${path}/${i}`, ignore, out);
    return;
  }
  if (!sameScalar(e, a)) out.push({ path: path || '/', kind: 'changed', expected: e, actual: a });
}

/** Records matched one to one regardless of order; what is left over is reported against its nearest partner. */
function compareAsSet(e: unknown[], a: unknown[], path: string, ignore: string[], out: Difference[]): void {
  const unmatched = a.map((_, i) => i);
  const leftover: number[] = [];
  e.forEach((x, i) => {
    const j = unmatched.findIndex((k) => diffsAt(x, a[k], `${path}/${i}`, ignore).length === 0);
    if (j >= 0) unmatched.splice(j, 1);
    else leftover.push(i);
  });
  for (const i of leftover) {
    // Pair it with the unmatched record it differs from least, so the report names the field that changed.
    let best = -1;
    let bestDiffs: Difference[] | undefined;
    for (const [pos, k] of unmatched.entries()) {
      const d = diffsAt(e[i], a[k], `${path}/${i}`, ignore);
      if (!bestDiffs || d.length < bestDiffs.length) [best, bestDiffs] = [pos, d];
    }
    if (bestDiffs && best >= 0) {
      out.push(...bestDiffs);
      unmatched.splice(best, 1);
    } else out.push({ path: `${path}/${i}`, kind: 'missing', expected: e[i] });
  }
  for (const k of unmatched) out.push({ path: `${path}/${k}`, kind: 'unexpected', actual: a[k] });
}

function diffsAt(e: unknown, a: unknown, path: string, ignore: string[]): Difference[] {
  const out: Difference[] = [];
  walk(e, a, path, ignore, out);
  return out;
}

/** A one-line account of the differences for a check message: "identical" only when there are none. */
export function describeDifferences(diffs: Difference[], max = 3): string {
  if (diffs.length === 0) return 'identical';
  const shown = diffs.slice(0, max).map((d) => `${d.path} ${d.kind}`);
  return `${diffs.length} difference(s): ${shown.join('; ')}${diffs.length > max ? '; …' : ''}`;
}
