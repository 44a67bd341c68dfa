/**
 * report.html's picture of a resilience test: the system's attempts against the injected faults,
 * drawn server-side as SVG (one mark per attempt, coloured by the mock's answer, the fault's
 * stretch shaded), with everything the system sent escaped. The same picture in Chromium, from a
 * real run, is in print.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { attemptTimeline, htmlReport } from '../../src/harness/reporters/html.js';
import type { Exchange, TestResult } from '../../src/harness/engine/types.js';
import { resultWith } from './support.js';

const T0 = Date.parse('2026-11-25T10:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
const POST = { direction: 'sut->mock' as const, method: 'POST', url: '/contactpoint/v1/involvements', operationId: 'submitInvolvement' };
const RES = { id: 'RES-003.backoff', suite: 'resilience', requirements: ['RES-003'], capability: 'core' as const };

/** RES-003's shape: the harness asks, three 503s from the injected fault, then delivery. */
function backoff(): Array<Partial<Exchange> & Pick<Exchange, 'direction'>> {
  return [
    { direction: 'harness->sut', at: at(-40), url: '/driver/v1/children', status: 201 },
    { ...POST, at: at(0), durationMs: 1, status: 503, verdict: 'fault', fault: 'error 503' },
    { ...POST, at: at(150), durationMs: 1, status: 503, verdict: 'fault', fault: 'error 503' },
    { ...POST, at: at(450), durationMs: 1, status: 503, verdict: 'fault', fault: 'error 503' },
    { ...POST, at: at(1050), durationMs: 2, status: 202, verdict: 'accepted' },
  ];
}

interface Mark {
  n: number;
  status: string;
  atMs: number;
  cls: string;
  x: number;
  y: number;
  width: number;
}
function marks(svg: string): Mark[] {
  return [
    ...svg.matchAll(
      /<rect class="mark ([\w-]+)" data-n="(\d+)" data-status="([^"]*)" data-at-ms="(\d+)" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)"/g,
    ),
  ].map((m) => ({
    cls: m[1]!,
    n: Number(m[2]),
    status: m[3]!,
    atMs: Number(m[4]),
    x: Number(m[5]),
    y: Number(m[6]),
    width: Number(m[7]),
  }));
}
const timelines = (html: string) => [...html.matchAll(/<svg class="timeline"[\s\S]*?<\/svg>/g)].map((m) => m[0]);

describe('the resilience timeline in report.html', () => {
  it('is drawn for a RES-* test, one mark per attempt of the system, at its time from the first and coloured by the answer', () => {
    const html = htmlReport(resultWith(backoff(), RES));
    const [svg, more] = timelines(html);
    expect(more).toBeUndefined();
    expect(svg).toContain('data-attempts="4"');
    // The harness's own call to the system is not an attempt.
    expect(marks(svg!).map(({ n, status, atMs, cls }) => ({ n, status, atMs, cls }))).toEqual([
      { n: 2, status: '503', atMs: 0, cls: 'a-fault' },
      { n: 3, status: '503', atMs: 150, cls: 'a-fault' },
      { n: 4, status: '503', atMs: 450, cls: 'a-fault' },
      { n: 5, status: '202', atMs: 1050, cls: 'a-ok' },
    ]);
    const xs = marks(svg!).map((m) => m.x);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    // Positions are to scale: the 300 ms wait is drawn twice as long as the 150 ms one.
    expect((xs[2]! - xs[1]!) / (xs[1]! - xs[0]!)).toBeCloseTo(2, 1);
    // The three faulted attempts make one shaded window, named by the mock's fault; the delivery is outside it.
    const windows = [...svg!.matchAll(/<g class="tl-window"><rect x="([\d.-]+)" y="[\d.]+" width="([\d.]+)"[^>]*\/><text[^>]*>([^<]*)<\/text>/g)];
    expect(windows.map((w) => w[3])).toEqual(['fault: error 503 (3 attempts)']);
    const [wx, ww] = [Number(windows[0]![1]), Number(windows[0]![2])];
    expect(wx).toBeLessThanOrEqual(xs[0]!);
    expect(wx + ww).toBeGreaterThanOrEqual(xs[2]!);
    expect(wx + ww).toBeLessThan(xs[3]!);
    // Each mark links to its exchange in the evidence below.
    for (const n of [2, 3, 4, 5]) expect(svg).toContain(`href="#test-RES-003.backoff-x${n}"`);
    expect(html).toContain(`id="test-RES-003.backoff-x5"`);
  });

  it('is not drawn for other tests', () => {
    const html = htmlReport(resultWith(backoff(), { id: 'CP-FEED-003.identifiers' }));
    expect(timelines(html)).toEqual([]);
  });

  it('draws a dropped connection, a slow answer as wide as it took, and a retry that overlaps it in a lane of its own', () => {
    const svg = attemptTimeline(
      resultWith(
        [
          { ...POST, at: at(0), durationMs: 1000, status: 202, verdict: 'accepted', fault: 'latency latency=1000ms' },
          { ...POST, at: at(600), durationMs: 1, status: 200, verdict: 'accepted' },
          { ...POST, at: at(1200), durationMs: 1, status: 0, verdict: 'fault', fault: 'drop-after-commit' },
        ],
        RES,
      ).tests[0]!,
    );
    const [slow, retry, dropped] = marks(svg);
    expect(slow!.cls).toBe('a-ok');
    expect(slow!.width).toBeGreaterThan((100 * retry!.width) / 4);
    expect(retry!.y).not.toBe(slow!.y);
    expect(dropped).toMatchObject({ cls: 'a-drop', status: '0' });
    expect(svg).toContain('#3 dropped');
    // Two windows: the unfaulted retry between the slow answer and the drop ends the first.
    expect([...svg.matchAll(/<g class="tl-window">.*?<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1])).toEqual([
      'fault: latency latency=1000ms',
      'fault: drop-after-commit',
    ]);
  });

  it('escapes what the system sent and what the fault says', () => {
    const hostile = '<script>alert("x")</script>&\'';
    const svg = attemptTimeline(
      resultWith(
        [
          {
            ...POST,
            url: `/contactpoint/v1/involvements?note=${hostile}`,
            method: `POST${hostile}`,
            at: at(0),
            status: 503,
            verdict: 'fault',
            fault: `error 503 ${hostile}`,
          },
          { ...POST, at: at(100), status: 202, verdict: 'accepted' },
        ],
        RES,
      ).tests[0]!,
    );
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('alert("x")');
    const escaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;';
    // In the mark's title (URL, method and fault) and in the window's label.
    expect(svg.split(escaped).length - 1).toBeGreaterThanOrEqual(4);
    // Well-formed: every element it opens, it closes.
    const opened = [...svg.matchAll(/<(svg|g|a|text|title)\b/g)].length;
    expect([...svg.matchAll(/<\/(svg|g|a|text|title)>/g)].length).toBe(opened);
  });

  it('says so when no attempt reached the mock', () => {
    const t: TestResult = resultWith([{ direction: 'harness->sut', url: '/driver/v1/children', status: 201 }], RES).tests[0]!;
    expect(attemptTimeline(t)).toBe('<p class="muted">No attempt of the system reached the mock.</p>');
  });
});
