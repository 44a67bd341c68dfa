/**
 * report.html: one self-contained file for the accreditation file and for the vendor's engineers.
 * The verdict, the SUT and its declared capabilities, the requirement traceability matrix, and every
 * test with its evidence (exchanges and checks, failing ones highlighted with path, expected and
 * actual). Filters by status and capability; prints cleanly.
 *
 * Safety: every value is HTML-escaped on the way in (nothing the SUT sent is ever markup); the page
 * loads nothing (no CDN, no fonts, no images) and a Content-Security-Policy allows only its own
 * inline style and script, by hash, so even an escaping bug could not run injected script.
 */
import { identityLine } from '../model/identity.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { Reporter, ReporterDefinition } from './types.js';
import type { RequirementResult, RunResult } from '../model/result.js';
import { CAPABILITIES, type CheckResult, type Exchange, type Status, type TestResult } from '../engine/types.js';
import {
  describeValue,
  declaredCapabilities,
  exchangeOf,
  failingChecks,
  overallCoverage,
  requirementCoverage,
  requirementInfo,
} from '../model/format.js';
import { privacyOf } from '../model/prepare.js';
import { hardCellText, hardChildrenGrid, hardChildrenTable, HARD_CHILDREN_TEST, type HardChildRow } from '../model/hard-children.js';

export const HTML_FILE = 'report.html';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Text for an HTML text node or a double-quoted attribute value. */
export function esc(v: unknown): string {
  return String(v ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

const STATUSES: Status[] = ['FAILED', 'ERROR', 'WARNING', 'REVIEW', 'PASSED', 'SKIPPED'];
const STATUS_LABEL: Record<string, string> = {
  PASSED: 'Passed',
  FAILED: 'Failed',
  WARNING: 'Warning',
  SKIPPED: 'Skipped',
  ERROR: 'Error',
  REVIEW: 'Review',
  NOT_TESTED: 'Not tested',
  WAIVED: 'Waived',
};
const MAX_BODY = 40_000;

const chip = (status: string, text = STATUS_LABEL[status] ?? status) => `<span class="chip s-${esc(status)}">${esc(text)}</span>`;

function bar(percent: number): string {
  const p = Math.max(0, Math.min(100, Math.round(percent)));
  return (
    `<svg class="bar" viewBox="0 0 100 8" preserveAspectRatio="none" role="img" aria-label="${p}%"><rect ` +
    `class="bar-bg" width="100" height="8" rx="2"/><rect class="bar-fg" width="${p}" height="8" rx="2"/></svg>`
  );
}

function pretty(v: unknown): string {
  let s: string;
  if (typeof v === 'string') s = v;
  else {
    try {
      s = JSON.stringify(v, null, 2) ?? String(v);
    } catch {
      s = String(v);
    }
  }
  return s.length > MAX_BODY ? `${s.slice(0, MAX_BODY)}\n… (${s.length - MAX_BODY} more characters: see journal.ndjson)` : s;
}

function value(v: unknown): string {
  return v === undefined ? '<span class="none">–</span>' : `<code>${esc(describeValue(v, 600))}</code>`;
}

/**
 * Anchors by test ID, not position, so a link into a report (in a ticket, a review) still points at
 * the same test after tests are added or reordered. IDs are [A-Za-z0-9._-] already; anything else
 * becomes "_" so the anchor stays a valid fragment.
 */
export const testAnchor = (id: string) => `test-${id.replace(/[^A-Za-z0-9._-]/g, '_')}`;
export const exAnchor = (id: string, n: number) => `${testAnchor(id)}-x${n}`;
/** A test ID that a narrow column may wrap after its dots (and hyphens), never inside a word. */
const breakableId = (id: string) => esc(id).replace(/\./g, '.<wbr>');

function checkRows(result: RunResult, t: TestResult): string {
  if (!t.checks.length) return '<p class="muted">No checks were recorded.</p>';
  const rows = t.checks.map((c: CheckResult) => {
    const e = exchangeOf(t, c);
    const { level } = requirementInfo(result, c.requirement);
    return `<tr class="check v-${esc(c.verdict)}">
<td>${chip(c.verdict === 'pass' ? 'PASSED' : c.verdict === 'warn' ? 'WARNING' : 'FAILED', c.verdict)}</td>
<td><a href="#req-${esc(c.requirement)}">${esc(c.requirement)}</a>${level ? ` <span class="lvl">${esc(level)}</span>` : ''}</td>
<td>${esc(c.message)}</td>
<td>${c.path ? `<code>${esc(c.path)}</code>` : '<span class="none">–</span>'}</td>
<td>${value(c.expected)}</td>
<td>${value(c.actual)}</td>
<td>${e ? `<a href="#${exAnchor(t.id, e.n)}">#${e.n}</a>` : c.exchange !== undefined ? `seq ${esc(c.exchange)}` : '<span class="none">–</span>'}</td>
</tr>`;
  });
  return (
    `<table class="checks"><thead><tr><th>Verdict</th><th>Requirement</th><th>Check</th><th>Path</th><th>` +
    `Expected</th><th>Actual</th><th>Exchange</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}

function exchangeBlock(t: TestResult, e: Exchange, judgedFail: Set<number>): string {
  const failed = judgedFail.has(e.n);
  const ok = e.status < 400;
  const headers =
    e.requestHeaders && Object.keys(e.requestHeaders).length
      ? `<div class="kv"><h5>Request headers</h5><pre>${esc(
          Object.entries(e.requestHeaders)
            .map(([k, v]) => `${k}: ${v}`)
            .join('\n'),
        )}</pre></div>`
      : '';
  const body = (title: string, v: unknown) => (v === undefined ? '' : `<div class="kv"><h5>${title}</h5><pre>${esc(pretty(v))}</pre></div>`);
  return (
    `<details class="ex${failed ? ' judged-fail' : ''}" id="${exAnchor(t.id, e.n)}"${failed ? ' open' : ''}>
<summary><span class="ex-n">#${e.n}</span><span class="dir">${esc(e.direction)}</span><span ` +
    `class="method">${esc(e.method)}</span><span class="url">${esc(e.url)}</span><span ` +
    (`class="code ${ok ? 'ok' : 'bad'}">${esc(e.status)}</span><span class="ms">${esc(e.durationMs)} ms</span>` +
      `<span class="at">${esc(e.at.slice(11, 23))}` +
      `</span>${e.verdict ? `<span class="jv">${esc(e.verdict)}</span>` : ''}` +
      `${failed ? '<span class="flag">judged: fail</span>' : ''}</summary>
<div class="ex-body">
<p class="ex-meta">${esc(e.at)} · ${esc(e.durationMs)} ms${e.service ? ` · ${esc(e.service)}` : ''}` +
      `${e.operationId ? ` · <code>${esc(e.operationId)}</code>` : ''}` +
      `${e.journalSeq !== undefined ? ` · journal seq ${esc(e.journalSeq)}` : ''}</p>
${headers}${body('Request body', e.requestBody)}${body(`Response body (${esc(e.status)})`, e.responseBody)}
</div></details>`)
  );
}

/** How the mock answered an attempt, for its mark's colour. */
function attemptClass(e: Exchange): string {
  if (e.status === 0) return 'a-drop';
  if (e.fault !== undefined && e.verdict === 'fault') return 'a-fault';
  return e.status < 400 ? 'a-ok' : e.status < 500 ? 'a-refused' : 'a-error';
}
const ATTEMPT_LEGEND: Array<[string, string]> = [
  ['a-ok', 'accepted'],
  ['a-fault', 'injected error'],
  ['a-drop', 'connection dropped'],
  ['a-refused', 'refused (4xx)'],
  ['a-error', 'server error'],
];
const msLabel = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${Number((ms / 1000).toFixed(2))} s`);

/**
 * A resilience test's picture: each of the system's attempts at the mock as a mark on a time axis
 * (0 = its first attempt; a mark as wide as the mock took to answer), coloured by the answer, with
 * the stretches where the injected fault met the attempts shaded. Drawn here as SVG, so it needs no
 * script and prints; every text in it is escaped.
 */
export function attemptTimeline(t: TestResult): string {
  const attempts = t.exchanges.filter((e) => e.direction === 'sut->mock');
  if (!attempts.length) return '<p class="muted">No attempt of the system reached the mock.</p>';
  const start = (e: Exchange) => Date.parse(e.at) - Date.parse(attempts[0]!.at);
  const end = (e: Exchange) => start(e) + e.durationMs;
  const span = Math.max(1, ...attempts.map(end));
  const [W, L, R] = [880, 16, 28];
  const x = (ms: number) => L + (ms / span) * (W - L - R);
  // Lanes, so overlapping attempts (a retry while a slow one is still open) and their labels never overlap.
  const laneEnds: number[] = [];
  const placed = attempts.map((e) => {
    const x0 = x(start(e));
    const w = Math.max(4, x(end(e)) - x0);
    let lane = laneEnds.findIndex((edge) => edge + 6 <= x0);
    if (lane < 0) lane = laneEnds.push(0) - 1;
    laneEnds[lane] = Math.max(x0 + w, x0 + 62);
    return { e, x0, w, lane };
  });
  const LANE = 34;
  const top = 26;
  const laneY = (lane: number) => top + 14 + lane * LANE;
  const axisY = top + 14 + laneEnds.length * LANE;
  // Consecutive faulted attempts make one shaded window, labelled with the fault the mock describes.
  const windows: Array<{ from: number; to: number; faults: string[] }> = [];
  let open: (typeof windows)[number] | undefined;
  for (const p of placed) {
    if (p.e.fault === undefined) {
      open = undefined;
      continue;
    }
    if (!open) windows.push((open = { from: p.x0, to: p.x0 + p.w, faults: [] }));
    open.to = Math.max(open.to, p.x0 + p.w);
    open.faults.push(p.e.fault);
  }
  const windowSvg = windows
    .map((w) => {
      const kinds = [...new Set(w.faults)];
      const label = `fault: ${kinds.join(', ')}${w.faults.length > 1 ? ` (${w.faults.length} attempts)` : ''}`;
      return (
        `<g class="tl-window"><rect x="${(w.from - 5).toFixed(1)}" y="${top}" ` +
        `width="${(w.to - w.from + 10).toFixed(1)}" height="${axisY - top}" rx="3"/><text ` +
        `x="${(w.from - 4).toFixed(1)}" y="${top - 6}">${esc(label)}</text></g>`
      );
    })
    .join('');
  const marks = placed
    .map(({ e, x0, w, lane }) => {
      const y = laneY(lane);
      const tip =
        `#${e.n} at +${msLabel(start(e))}: ${e.method} ${e.url} ` +
        `answered ${e.status === 0 ? 'by a dropped connection' : e.status} after ${msLabel(e.durationMs)}${e.fault ? ` (injected fault: ${e.fault})` : ''}`;
      return (
        `<a href="#${exAnchor(t.id, e.n)}" class="tl-mark"><title>${esc(tip)}</title><rect ` +
        `class="mark ${attemptClass(e)}" data-n="${e.n}" data-status="${esc(e.status)}" ` +
        `data-at-ms="${Math.round(start(e))}" x="${x0.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="12" ` +
        `rx="2"/><text ${x0 > W - R - 64 ? `text-anchor="end" x="${(x0 + w).toFixed(1)}"` : `x="${x0.toFixed(1)}"`} ` +
        `y="${y + 25}">#${e.n} ${e.status === 0 ? 'dropped' : esc(e.status)}</text></a>`
      );
    })
    .join('');
  // The waits between consecutive attempts in a lane, where there is room to say them.
  const gaps = placed
    .slice(1)
    .map((p, i) => [placed[i]!, p] as const)
    .filter(([a, b]) => a.lane === b.lane && b.x0 - (a.x0 + a.w) >= 70)
    .map(
      ([a, b]) =>
        `<text class="tl-gap" x="${((a.x0 + a.w + b.x0) / 2).toFixed(1)}" y="${laneY(a.lane) - 3}">+${esc(msLabel(start(b.e) - end(a.e)))}</text>`,
    )
    .join('');
  const step =
    [1, 2, 5, 10, 20, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000, 20_000, 30_000, 60_000, 120_000, 300_000, 600_000].find(
      (s) => span / s <= 8,
    ) ?? Math.ceil(span / 8);
  const ticks: string[] = [];
  for (let ms = 0; ms <= span + 0.001; ms += step)
    ticks.push(
      `<line x1="${x(ms).toFixed(1)}" y1="${axisY}" x2="${x(ms).toFixed(1)}" y2="${axisY + 4}"/><text x="${x(ms).toFixed(1)}" y="${axisY + 16}">${esc(msLabel(ms))}</text>`,
    );
  let lx = L;
  const legend = ATTEMPT_LEGEND.filter(([c]) => placed.some((p) => attemptClass(p.e) === c))
    .map(([c, label]) => {
      const item = `<rect class="${c}" x="${lx}" y="${axisY + 28}" width="10" height="10" rx="2"/><text x="${lx + 14}" y="${axisY + 37}">${esc(label)}</text>`;
      lx += 24 + label.length * 6.2;
      return item;
    })
    .join('');
  const shaded = windows.length
    ? `<rect class="tl-window-key" x="${lx}" y="${axisY + 27}" width="16" height="12" rx="2"/><text x="${lx + 20}" y="${axisY + 37}">the injected fault in force</text>`
    : '';
  const H = axisY + 46;
  const faulted = attempts.filter((e) => e.fault !== undefined).length;
  const summary = `${attempts.length} attempt(s) over ${msLabel(span)}; ${faulted} met the injected fault`;
  return (
    `<svg class="timeline" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" ` +
    `aria-label="${esc(summary)}" data-attempts="${attempts.length}">` +
    `<title>${esc(summary)}</title>${windowSvg}<line class="tl-axis" x1="${L}" y1="${axisY}" x2="${W - R}" ` +
    `y2="${axisY}"/><g class="tl-ticks">${ticks.join('')}</g>${gaps}${marks}<g ` +
    `class="tl-legend">${legend}${shaded}</g></svg>`
  );
}

function testBlock(result: RunResult, t: TestResult): string {
  const blocking = (t.status === 'FAILED' && !t.waiver) || t.status === 'ERROR';
  const judgedFail = new Set(
    failingChecks(t)
      .map((c) => exchangeOf(t, c)?.n)
      .filter((n): n is number => n !== undefined),
  );
  const reqs = t.requirements.map((r) => `<a class="req" href="#req-${esc(r)}">${esc(r)}</a>`).join(' ');
  return (
    `<article class="test st-${esc(t.status)}" id="${testAnchor(t.id)}" data-status="${esc(t.status)}" data-capability="${esc(t.capability)}" data-test="${esc(t.id)}">
<details${blocking ? ' open' : ''}>
<summary>${chip(t.status)}${t.waiver ? chip('WAIVED') : ''}<span class="tid">${esc(t.id)}</span><span class="ttitle">${esc(t.title)}</span><span class="ms">${esc(t.durationMs)} ms</span></summary>
<div class="test-body">
<dl class="facts"><dt>Suite</dt><dd>${esc(t.suite)}</dd><dt>Capability</dt><dd>${esc(t.capability)}</dd><dt>` +
    `Mandatory</dt><dd>${t.mandatory ? 'yes' : 'no'}</dd><dt>Started</dt><dd>${esc(t.startedAt)}</dd><dt>` +
    `Requirements</dt><dd>${reqs}</dd></dl>
${t.reason ? `<p class="reason r-${esc(t.status)}"><strong>${esc(STATUS_LABEL[t.status])}:</strong> ${esc(t.reason)}</p>` : ''}
${t.waiver ? `<p class="waiver"><strong>Waived</strong>: ${esc(t.waiver.reason)} (approved by ${esc(t.waiver.approver)}, expires ${esc(t.waiver.expires)})</p>` : ''}
<h4>Checks</h4>
${checkRows(result, t)}
${attestationList(t)}
${t.id.startsWith('RES-') ? `<h4>Attempts against the injected faults</h4><div class="tl">${attemptTimeline(t)}</div>` : ''}
${t.steps.length ? `<h4>Steps</h4><ol class="steps">${t.steps.map((s) => `<li>${esc(s)}</li>`).join('')}</ol>` : ''}
<h4>Exchanges (${t.exchanges.length})</h4>
${t.exchanges.length ? `<div class="exchanges">${t.exchanges.map((e) => exchangeBlock(t, e, judgedFail)).join('')}</div>` : '<p class="muted">No exchanges in this test.</p>'}
</div>
</details>
</article>`
  );
}

function matrixRow(result: RunResult, r: RequirementResult, declared: Set<string>): string {
  const cov = requirementCoverage(result, r.id, r.tests);
  const index = new Map(result.tests.map((t, i) => [t.id, i]));
  const tests = r.tests.length
    ? r.tests.map((id) => (index.has(id) ? `<a href="#${testAnchor(id)}">${breakableId(id)}</a>` : breakableId(id))).join('<br>')
    : `<span class="none">${r.noTestReason ? esc(`No test: ${r.noTestReason}`) : 'No test'}</span>`;
  return `<tr class="req-row rs-${esc(r.status)}${declared.has(r.capability) ? '' : ' undeclared'}" id="req-${esc(r.id)}" data-capability="${esc(r.capability)}" data-status="${esc(r.status)}">
<td class="rid">${esc(r.id)}</td><td>${esc(r.level)}</td><td>${esc(r.capability)}</td><td class="stmt">${esc(r.statement)}</td><td class="tests">${tests}</td><td>${chip(r.status)}</td>
<td class="cov">${r.tests.length ? `${cov.ran}/${cov.total} <span class="pct">${cov.percent}%</span>${bar(cov.percent)}` : '<span class="none">–</span>'}</td></tr>`;
}

const STYLE =
  `
:root{--ink:#0b0c0c;--muted:#505a5f;--line:#d8dde0;--bg:#f3f4f6;--card:#fff;--blue:#1d70b8;--pass:#00703c;` +
  `--fail:#c6261a;--warn:#b25e00;--skip:#6f777b;--err:#6f2c91;--review:#00697a;--waived:#5b4a9b;` +
  `--mono:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace}
*{box-sizing:border-box}
html{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--ink);background:var(--bg)}
body{margin:0}
a{color:var(--blue)}
code,pre{font-family:var(--mono);font-size:12.5px}
.masthead{background:#0b0c0c;color:#fff;padding:22px 32px 18px;border-bottom:6px solid var(--blue)}
body.v-fail .masthead{border-bottom-color:var(--fail)}body.v-pass .masthead{border-bottom-color:var(--pass)}body.v-error .masthead{border-bottom-color:var(--err)}
.brand{font-size:13px;letter-spacing:.06em;text-transform:uppercase;color:#b1b4b6}
.headline{display:flex;align-items:center;gap:18px;flex-wrap:wrap;margin:6px 0 10px}
.headline h1{margin:0;font-size:28px;font-weight:700}
.headline .ver{font-weight:400;color:#dfe1e2}
.verdict{display:inline-block;font-weight:800;font-size:20px;letter-spacing:.08em;padding:4px 14px;border-radius:4px;color:#fff}
.verdict.pass{background:var(--pass)}.verdict.fail{background:var(--fail)}.verdict.error,.verdict.incomplete{background:var(--err)}
.verdict-note{color:#dfe1e2}
.meta{display:grid;grid-template-columns:repeat(auto-fill,minmax(210px,1fr));gap:4px 22px;margin:8px 0 0;font-size:13px}
.meta div{display:flex;flex-direction:column}.meta dt{color:#b1b4b6}.meta dd{margin:0;font-family:var(--mono);font-size:12.5px;word-break:break-all}
nav.toc{background:#fff;border-bottom:1px solid var(--line);padding:8px 32px;position:sticky;top:0;z-index:5;display:flex;gap:18px;font-size:14px}
main{padding:20px 32px 48px;max-width:1500px}
section{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:18px 22px;margin:0 0 20px}
h2{margin:0 0 12px;font-size:20px}h4{margin:16px 0 6px;font-size:14px;text-transform:uppercase;` +
  `letter-spacing:.04em;color:var(--muted)}h5{margin:8px 0 4px;font-size:12px;color:var(--muted);` +
  `text-transform:uppercase;letter-spacing:.04em}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(120px,1fr));gap:10px}
.tile{border:1px solid var(--line);border-left:5px solid var(--skip);border-radius:4px;padding:8px 12px}
.tile b{display:block;font-size:26px;line-height:1.1}.tile span{font-size:13px;color:var(--muted)}
.tile.t-PASSED{border-left-color:var(--pass)}.tile.t-FAILED{border-left-color:var(--fail)}` +
  `.tile.t-WARNING{border-left-color:var(--warn)}.tile.t-ERROR{border-left-color:var(--err)}` +
  `.tile.t-REVIEW{border-left-color:var(--review)}.tile.t-total,.tile.t-cov{border-left-color:var(--blue)}.tile.t-waived{border-left-color:var(--waived)}
.grid{display:flex;flex-direction:column;gap:4px;margin:4px 0 6px}.grid-row{display:flex;align-items:center;gap:10px}.grid-row.undeclared{opacity:.45}
.grid-cap{font-family:var(--mono);font-size:12.5px;width:150px;flex:none}.grid-cells{display:flex;flex-wrap:wrap;gap:3px}
.cell{display:block;width:16px;height:16px;border-radius:2px;background:var(--skip)}.cell:hover,.cell:focus{outline:2px solid var(--ink);outline-offset:1px}
.grid-legend{font-size:12.5px;margin:4px 0 0}
.broke{margin:14px 0 0;padding:0;list-style:none}
.broke li{border-left:4px solid var(--fail);background:#fdf1f0;padding:8px 12px;margin:6px 0;border-radius:0 4px 4px 0}
.broke .what{display:block;margin-top:2px}
.chip{display:inline-block;font-size:11.5px;font-weight:700;letter-spacing:.03em;text-transform:uppercase;` +
  `padding:1px 7px;border-radius:3px;color:#fff;background:var(--skip);white-space:nowrap;vertical-align:1px}
.s-PASSED{background:var(--pass)}.s-FAILED{background:var(--fail)}.s-WARNING{background:var(--warn)}` +
  `.s-ERROR{background:var(--err)}.s-REVIEW{background:var(--review)}.s-SKIPPED,` +
  `.s-NOT_TESTED{background:var(--skip)}.s-WAIVED{background:var(--waived)}
table{border-collapse:collapse;width:100%;font-size:13.5px}
th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f8f8f8;font-size:12.5px;color:var(--muted);text-transform:uppercase;letter-spacing:.03em}
.matrix th{position:sticky;top:37px;z-index:1}
.kvt th{position:static;width:220px;text-transform:none;font-size:13.5px;letter-spacing:0;color:var(--ink);background:none}
.caps{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:8px;margin-top:10px}
.cap{border:1px solid var(--line);border-radius:4px;padding:8px 12px}.cap.on{border-color:var(--pass);background:#f2f9f5}.cap.off{color:var(--muted)}
.cap b{font-family:var(--mono);font-size:13px}.cap .decl{float:right;font-size:12px;font-weight:700}
.req-row.rs-FAILED td{background:#fdf1f0}.req-row.undeclared{color:var(--muted)}
.rid{font-family:var(--mono);white-space:nowrap;font-size:12.5px}.matrix .stmt{width:40%;min-width:280px}` +
  `.matrix .tests{width:22%;min-width:12em;font-family:var(--mono);font-size:12px;word-break:normal;` +
  `overflow-wrap:normal;hyphens:none}
.cov{white-space:nowrap;min-width:110px}.pct{color:var(--muted);font-size:12px}
.bar{display:block;width:100px;height:8px;margin-top:3px}.bar-bg{fill:#e5e7e9}.bar-fg{fill:var(--pass)}
.filters{display:flex;flex-wrap:wrap;align-items:center;gap:10px;margin-bottom:14px}
.filters button{font:inherit;font-size:13px;border:1px solid var(--line);background:#fff;border-radius:16px;padding:3px 12px;cursor:pointer}
.filters button[aria-pressed=true]{background:var(--ink);color:#fff;border-color:var(--ink)}
.filters select{font:inherit;font-size:13px;padding:3px 6px}
.filters .count{margin-left:auto;color:var(--muted);font-size:13px}
.filters input[type=search]{font:inherit;font-size:13px;padding:3px 8px;min-width:16em;border:1px solid var(--line);border-radius:4px}
.test{border:1px solid var(--line);border-left:5px solid var(--skip);border-radius:4px;margin:8px 0;background:#fff}
.test.st-PASSED{border-left-color:var(--pass)}.test.st-FAILED{border-left-color:var(--fail)}` +
  `.test.st-WARNING{border-left-color:var(--warn)}.test.st-ERROR{border-left-color:var(--err)}.test.st-REVIEW{border-left-color:var(--review)}
.test>details>summary{cursor:pointer;padding:9px 12px;display:flex;gap:10px;align-items:baseline;flex-wrap:wrap;list-style-position:outside}
.tid{font-family:var(--mono);font-weight:700;font-size:13px}.ttitle{flex:1;min-width:260px}.ms{color:var(--muted);font-size:12.5px;white-space:nowrap}
.test-body{padding:2px 16px 14px;border-top:1px solid var(--line)}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:10px 0;font-size:13.5px}.facts dt{color:var(--muted)}.facts dd{margin:0}
a.req{font-family:var(--mono);font-size:12.5px}
.reason{padding:8px 12px;border-radius:4px;background:#f3f2f1}.reason.r-FAILED{background:#fdf1f0}.reason.r-ERROR{background:#f6f0fa}.reason.r-WARNING{background:#fff5e6}
.waiver{padding:8px 12px;border-radius:4px;background:#f1eff8}
.checks td:nth-child(3){min-width:220px}.checks code{white-space:pre-wrap;word-break:break-word}
tr.check.v-fail td{background:#fdf1f0}tr.check.v-fail td:first-child{box-shadow:inset 4px 0 0 var(--fail)}tr.check.v-warn td{background:#fff5e6}
.lvl{font-size:11px;color:var(--muted);font-weight:700}
.none,.muted{color:var(--muted)}
.exchanges{display:flex;flex-direction:column;gap:4px}
.ex{border:1px solid var(--line);border-radius:4px}
.ex.judged-fail{border-color:var(--fail);box-shadow:inset 4px 0 0 var(--fail)}
.ex>summary{cursor:pointer;padding:5px 10px;display:flex;gap:10px;align-items:baseline;font-size:13px;flex-wrap:wrap}
.ex-n{color:var(--muted);font-family:var(--mono);min-width:30px}.dir{font-size:11.5px;color:var(--muted);min-width:92px}.method{font-family:var(--mono);font-weight:700;min-width:52px}
.url{font-family:var(--mono);font-size:12.5px;flex:1;word-break:break-all}.code{font-family:var(--mono);font-weight:700}.code.ok{color:var(--pass)}.code.bad{color:var(--fail)}
.at{font-family:var(--mono);font-size:12px;color:var(--muted)}.jv{font-size:11.5px;color:var(--muted)}.flag{font-size:11.5px;font-weight:700;color:var(--fail);text-transform:uppercase}
.ex-body{padding:4px 12px 10px;border-top:1px dashed var(--line)}.ex-meta{font-size:12.5px;color:var(--muted);margin:6px 0}
pre{background:#f8f8f8;border:1px solid var(--line);border-radius:4px;padding:8px 10px;margin:0;max-height:420px;overflow:auto;white-space:pre-wrap;word-break:break-word}
.privacy-ok{color:var(--pass);font-weight:600}.privacy-bad{color:var(--fail);font-weight:600}
footer{color:var(--muted);font-size:12.5px;padding:0 32px 32px}
[hidden]{display:none!important}
.tl{overflow-x:auto}.timeline{display:block;max-width:100%;height:auto;font-family:var(--mono);font-size:11px}
.timeline text{fill:var(--ink)}.timeline .tl-gap{fill:var(--muted);text-anchor:middle;font-size:10px}.timeline .tl-ticks text{fill:var(--muted);text-anchor:middle;font-size:10px}
.tl-axis,.tl-ticks line{stroke:var(--muted);stroke-width:1}.tl-window rect,.tl-window-key{fill:#fbe3e1;stroke:#e8a39c;stroke-dasharray:3 2}.tl-window text{fill:var(--fail);font-size:10.5px}
.a-ok{fill:var(--pass)}.a-fault{fill:var(--fail)}.a-drop{fill:#0b0c0c}.a-refused{fill:var(--warn)}.a-error{fill:var(--err)}
.tl-mark:hover rect.mark,.tl-mark:focus rect.mark{stroke:var(--ink);stroke-width:2}
@media print{
 html{background:#fff;font-size:11px}
 .matrix{table-layout:fixed}.matrix .stmt,.matrix .tests,.matrix .cov{min-width:0}
 .matrix th{font-size:9.5px;letter-spacing:0}.matrix th:nth-child(1){width:14%}.matrix ` +
  `th:nth-child(2){width:7%}.matrix th:nth-child(3){width:13%}.matrix th:nth-child(4){width:30%}.matrix ` +
  `th:nth-child(5){width:17%}.matrix th:nth-child(6){width:9%}.matrix th:nth-child(7){width:10%}
 .matrix .cov{white-space:normal}
 .matrix .chip{white-space:normal}.matrix .bar{width:100%}
 nav.toc,.filters,.no-print{display:none!important}
 .masthead{background:#fff;color:#000;border-bottom:3px solid #000;padding:0 0 8px}
 .masthead .brand,.meta dt,.headline .ver,.verdict-note{color:#333}
 main{padding:8px 0;max-width:none}
 section{border:none;padding:0;margin:0 0 14px}
 th{position:static}
 .test,.ex,.tile,tr{break-inside:avoid}
 .test[hidden]{display:block!important}
 pre{max-height:none;overflow:visible}
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 a{color:inherit;text-decoration:none}
}
`;

const SCRIPT = `
(function () {
  var tests = Array.prototype.slice.call(document.querySelectorAll('article.test'));
  var rows = Array.prototype.slice.call(document.querySelectorAll('tr.req-row'));
  var buttons = Array.prototype.slice.call(document.querySelectorAll('.filters button[data-status]'));
  var cap = document.getElementById('f-capability');
  var count = document.getElementById('f-count');
  var search = document.getElementById('f-search');
  var reqStatus = document.getElementById('f-req-status');
  var status = '';
  // What the search box matches: the test's ID, title, requirements and status, read once.
  var haystack = tests.map(function (t) { var sum = t.querySelector('summary'); return (t.getAttribute('data-test') + ' ' + (sum ? sum.textContent : '')).toLowerCase(); });
  function apply() {
    var c = cap.value, shown = 0;
    var words = search.value.toLowerCase().split(/\\s+/).filter(Boolean);
    tests.forEach(function (t, i) {
      var on = (status === '' || t.getAttribute('data-status') === status) && (c === '' || t.getAttribute('data-capability') === c) &&
        words.every(function (w) { return haystack[i].indexOf(w) !== -1; });
      t.hidden = !on;
      if (on) shown++;
    });
    var rs = reqStatus.value;
    rows.forEach(function (r) { r.hidden = (c !== '' && r.getAttribute('data-capability') !== c) || (rs !== '' && r.getAttribute('data-status') !== rs); });
    buttons.forEach(function (b) { b.setAttribute('aria-pressed', String(b.getAttribute('data-status') === status)); });
    count.textContent = shown + ' of ' + tests.length + ' tests shown';
  }
  buttons.forEach(function (b) { b.addEventListener('click', function () { status = b.getAttribute('data-status'); apply(); }); });
  cap.addEventListener('change', apply);
  search.addEventListener('input', apply);
  reqStatus.addEventListener('change', apply);
  function setAll(open) { tests.forEach(function (t) { t.querySelector('details').open = open; }); }
  document.getElementById('f-expand').addEventListener('click', function () { setAll(true); });
  document.getElementById('f-collapse').addEventListener('click', function () { setAll(false); });
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (!el) return;
    var art = el.closest('article.test');
    var row = el.closest('tr.req-row');
    if ((art && art.hidden) || (row && row.hidden)) { status = ''; cap.value = ''; search.value = ''; reqStatus.value = ''; apply(); }
    for (var p = el; p; p = p.parentElement) if (p.tagName === 'DETAILS') p.open = true;
    el.scrollIntoView();
  }
  window.addEventListener('hashchange', reveal);
  var opened = [];
  window.addEventListener('beforeprint', function () {
    opened = tests.map(function (t) { return t.querySelector('details').open; });
    setAll(true);
  });
  window.addEventListener('afterprint', function () { tests.forEach(function (t, i) { t.querySelector('details').open = opened[i]; }); });
  apply();
  if (location.hash) reveal();
})();
`;

/** A CSS string literal; `<` escaped too, so no value can close the <style> element. */
const cssString = (v: string) =>
  `"${v
    .replace(/[\\"]/g, '\\$&')
    .replace(/[\r\n]+/g, ' ')
    .replace(/</g, '\\3C ')}"`;

/**
 * Printed (or saved as PDF) the report is A4 with a running header on every page, naming the
 * system, the run ID and the verdict, and "Page n of N" in the footer: a filed copy says which run
 * it is on each sheet. CSS page-margin boxes (Chromium 131+; other browsers print without them).
 */
function pageStyle(result: RunResult): string {
  const system = `${result.sut.vendor} ${result.sut.product} ${result.sut.version}`;
  const box = 'font-family:system-ui,sans-serif;font-size:8.5pt;color:#333';
  return `
@page{size:A4;margin:16mm 12mm 14mm;
 @top-left{content:${cssString(`${system} · Run ${result.run.id}`)};${box};width:80%}
 @top-right{content:${cssString(result.summary.label)};${box};font-weight:700}
 @bottom-left{content:${cssString(`ics-conformance ${result.harness.version} · ${result.run.finishedAt}`)};${box}}
 @bottom-right{content:"Page " counter(page) " of " counter(pages);${box}}
}
`;
}

const cspHash = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

export function htmlReport(result: RunResult): string {
  const s = result.summary;
  const declared = declaredCapabilities(result);
  const cov = overallCoverage(result);
  const privacy = privacyOf(result);
  const sutName = `${result.sut.vendor} ${result.sut.product}`;
  const identityNote = identityLine(result.identity, result.sut);
  const index = new Map(result.tests.map((t, i) => [t.id, i]));

  const meta = [
    ['Run ID', result.run.id],
    ['Started', result.run.startedAt],
    ['Finished', result.run.finishedAt],
    ['Duration', `${(result.run.durationMs / 1000).toFixed(1)} s`],
    ['Mode', result.run.mode],
    ['Harness', `ics-conformance ${result.harness.version}`],
    ['Catalogue', result.catalogueVersion],
    ['Result schema', result.schemaVersion],
  ]
    .map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${esc(v)}</dd></div>`)
    .join('');

  const tiles = [
    ['total', s.total, 'tests'],
    ['PASSED', s.PASSED, 'passed'],
    ['FAILED', s.FAILED, 'failed'],
    ['WARNING', s.WARNING, 'warnings'],
    ['SKIPPED', s.SKIPPED, 'skipped'],
    ['ERROR', s.ERROR, 'errors'],
    ['REVIEW', s.REVIEW, 'awaiting review'],
    ['waived', s.waived, 'waived'],
  ]
    .map(([k, n, label]) => `<div class="tile t-${esc(k)}"><b>${esc(n)}</b><span>${esc(label)}</span></div>`)
    .join('');

  const broke = result.requirements
    .filter((r) => r.status === 'FAILED')
    .map((r) => {
      const fails = result.tests
        .filter((t) => !t.waiver)
        .flatMap((t) =>
          failingChecks(t)
            .filter((c) => c.requirement === r.id)
            .map((c) => ({ t, c })),
        );
      const lines = fails.slice(0, 3).map(({ t, c }) => {
        const e = exchangeOf(t, c);
        return (
          `<span class="what">In <a href="#${testAnchor(t.id)}">${esc(t.id)}</a>: ${esc(c.message)}` +
          `${c.path ? ` at <code>${esc(c.path)}</code>` : ''}` +
          `${c.expected !== undefined ? `; expected <code>${esc(describeValue(c.expected, 200))}</code>` : ''}` +
          `${c.actual !== undefined ? `; actual <code>${esc(describeValue(c.actual, 200))}</code>` : ''}` +
          `${e ? ` (<a href="#${exAnchor(t.id, e.n)}">exchange #${e.n}</a>)` : ''}</span>`
        );
      });
      const more = fails.length > 3 ? `<span class="what muted">and ${fails.length - 3} more failing check(s)</span>` : '';
      return `<li><a href="#req-${esc(r.id)}"><strong>${esc(r.id)}</strong></a> <span class="lvl">${esc(r.level)}</span> ${esc(r.statement)}${lines.join('')}${more}</li>`;
    });
  const errors = result.tests
    .filter((t) => t.status === 'ERROR')
    .map(
      (t) =>
        `<li><a href="#${testAnchor(t.id)}"><strong>${esc(t.id)}</strong></a> ${chip('ERROR')}<span class="what">${esc((t.reason ?? '').split('\n')[0])}</span></li>`,
    );

  // The picture at a glance: one square per requirement, a row per capability, coloured by status.
  const grid = Object.keys(CAPABILITIES)
    .map((c) => [c, result.requirements.filter((r) => r.capability === c)] as const)
    .filter(([, reqs]) => reqs.length > 0)
    .map(
      ([c, reqs]) =>
        `<div class="grid-row${declared.has(c) ? '' : ' undeclared'}" data-capability="${esc(c)}"><span ` +
        `class="grid-cap">${esc(c)}</span><span ` +
        `class="grid-cells">${reqs.map(gridCell).join('')}</span></div>`,
    )
    .join('');
  const gridLegend = [...new Set(result.requirements.map((r) => r.status))].map((x) => chip(x)).join(' ');
  const caps = Object.entries(CAPABILITIES)
    .map(
      ([id, desc]) =>
        `<div class="cap ${declared.has(id) ? 'on' : 'off'}"><span ` +
        `class="decl">${id === 'core' ? 'always' : declared.has(id) ? 'declared' : 'not declared'}</span>` +
        `<b>${esc(id)}</b><br>${esc(desc)}</div>`,
    )
    .join('');
  const st = result.statement;
  const sutRows = [
    ['Vendor', result.sut.vendor],
    ['Product', result.sut.product],
    ['Version', result.sut.version],
    ['Source system type', st.sourceSystemType],
    ...(result.sut.driverUrl ? [['Driver API', result.sut.driverUrl]] : []),
    ...(result.run.mockUrl ? [['Mock services', result.run.mockUrl]] : []),
    ...(st.vendor !== result.sut.vendor || st.product !== result.sut.product || st.version !== result.sut.version
      ? [['Conformance statement names', `${st.vendor} ${st.product} ${st.version}`]]
      : []),
    ...(st.deselect?.length ? [['Deselected tests', st.deselect.join(', ')]] : []),
  ]
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`)
    .join('');
  const attested = (st.attestations ?? [])
    .map(
      (a) =>
        `<li><a href="#req-${esc(a.requirement)}">${esc(a.requirement)}</a>: ${esc(a.answer)}${a.note ? ` (${esc(a.note)})` : ''}${a.by ? `, by ${esc(a.by)}` : ''}</li>`,
    )
    .join('');

  const privacyHtml = privacy.findings.length
    ? `<p class="privacy-bad">${privacy.findings.length} identifier(s) in what the system sent look real. A test ` +
      `build must hold synthetic data only: use the 999 NHS number range and the synthetic population (<code>` +
      `ics-conformance fixtures</code>).</p>
<table><thead><tr><th>Kind</th><th>Value (masked)</th><th>Why</th><th>Where</th><th>Seen</th></tr></thead><tbody>${privacy.findings
        .map((f) => {
          const ti = index.get(f.test);
          const where = ti === undefined ? esc(f.test) : `<a href="#${exAnchor(f.test, f.exchange)}">${esc(f.test)} #${esc(f.exchange)}</a>`;
          return (
            `<tr><td>${esc(f.kind)}</td><td><code>${esc(f.value)}</code></td><td>${esc(f.reason)}</td><td>${where}` +
            ` ${esc(f.where)} <code>${esc(f.path || '/')}</code></td><td>${esc(f.occurrences)}×</td></tr>`
          );
        })
        .join('')}</tbody></table>`
    : `<p class="privacy-ok">No identifier that looks real in what the system sent (${privacy.scanned} exchanges ` +
      `scanned: NHS numbers outside the 999 test range, postcodes and names outside the synthetic population).</p>`;

  const waivers = result.waivers.length
    ? `<section id="waivers"><h2>Waivers</h2><table><thead><tr><th>Covers</th><th>State</th><th>Reason</th><th>Approver</th><th>Expires</th></tr></thead><tbody>${result.waivers
        .map(
          (w) =>
            `<tr><td><code>${esc(w.test ?? w.requirement)}</code></td><td>${esc(w.state)}</td><td>${esc(w.reason)}</td><td>${esc(w.approver)}</td><td>${esc(w.expires)}</td></tr>`,
        )
        .join('')}</tbody></table></section>`
    : '';

  const hardRows = hardChildrenTable(result);
  const hardSection = hardRows ? hardChildrenHtml(hardRows) : '';

  const statusCounts = new Map<string, number>(STATUSES.map((x) => [x, result.tests.filter((t) => t.status === x).length]));
  const filterButtons = [
    `<button type="button" data-status="" aria-pressed="true">All (${result.tests.length})</button>`,
    ...STATUSES.filter((x) => statusCounts.get(x)).map(
      (x) => `<button type="button" data-status="${x}" aria-pressed="false">${esc(STATUS_LABEL[x])} (${statusCounts.get(x)})</button>`,
    ),
  ].join('');
  const capOptions = [
    '<option value="">All capabilities</option>',
    ...[...new Set(result.tests.map((t) => t.capability))].map((c) => `<option value="${esc(c)}">${esc(c)}</option>`),
  ].join('');

  const reqStatusOptions = [
    '<option value="">Requirements: every status</option>',
    ...[...new Set(result.requirements.map((r) => r.status))].map(
      (x) => `<option value="${esc(x)}">${esc(STATUS_LABEL[x] ?? x)} (${result.requirements.filter((r) => r.status === x).length})</option>`,
    ),
  ].join('');
  const declaredReqs = result.requirements.filter((r) => declared.has(r.capability));
  const reqCounts = ['PASSED', 'FAILED', 'WARNING', 'WAIVED', 'REVIEW', 'NOT_TESTED', 'SKIPPED']
    .map((x) => [x, declaredReqs.filter((r) => r.status === x).length] as const)
    .filter(([, n]) => n > 0)
    .map(([x, n]) => `${chip(x)} ${n}`)
    .join(' &nbsp; ');

  const style = STYLE + pageStyle(result);
  const csp = `default-src 'none'; style-src ${cspHash(style)}; script-src ${cspHash(SCRIPT)}; img-src data:; base-uri 'none'; form-action 'none'`;
  return (
    `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="ics-conformance ${esc(result.harness.version)}">
<title>${esc(`${s.label}: ${sutName} ${result.sut.version} — ICS conformance report`)}</title>
<style>${style}</style>
</head>
<body class="v-${esc(s.verdict)}">
<header class="masthead">
<div class="brand">ics-conformance · accreditation evidence · Integrated Children's System</div>
<div class="headline"><h1>${esc(sutName)} <span class="ver">${esc(result.sut.version)}</span></h1><span ` +
    `class="verdict ${esc(s.verdict)}" id="verdict">${esc(s.label)}</span><span class="verdict-note">exit ` +
    `code ${esc(s.exitCode)} · ${esc(s.FAILED)} failed${s.waived ? ` (${esc(s.waived)} waived)` : ''} ` +
    `· ${esc(s.ERROR)} errors</span></div>
<dl class="meta">${meta}</dl>
</header>
<nav class="toc"><a href="#summary">Summary</a><a href="#sut">System under test</a><a href="#privacy">` +
    `Privacy</a>${waivers ? '<a href="#waivers">Waivers</a>' : ''}${hardSection ? '<a href="#hard-children">Hard children</a>' : ''}<a ` +
    `href="#requirements">Traceability</a><a href="#tests">Tests</a></nav>
<main>
<section id="summary"><h2>Summary</h2>
<div class="tiles">${tiles}<div class="tile t-cov"><b>${cov.percent}%</b><span>${cov.verified}/${cov.total} requirements verified</span></div></div>
<h4>Requirements by capability</h4><div class="grid" role="list">${grid}</div><p ` +
    `class="grid-legend">${gridLegend} <span class="muted">· one square per requirement; faded rows: capabilities ` +
    `not declared</span></p>
${broke.length ? `<h4>Requirements not met</h4><ul class="broke">${broke.join('')}</ul>` : ''}
${errors.length ? `<h4>Errors</h4><ul class="broke">${errors.join('')}</ul>` : ''}
${identityNote ? `<h4>Identity</h4><p class="broke" id="identity">${esc(identityNote)}</p>` : ''}
${result.run.interrupted ? `<h4>Interrupted</h4><p class="broke" id="interrupted">The run was interrupted by ${esc(result.run.interrupted)}: the tests it did not run are ERROR.</p>` : ''}
${!broke.length && !errors.length ? `<p class="privacy-ok">Every requirement that was tested is met${s.REVIEW ? `; ${esc(s.REVIEW)} test(s) await a human attestation` : ''}.</p>` : ''}
</section>
<section id="sut"><h2>System under test</h2>
<table class="kvt"><tbody>${sutRows}</tbody></table>
<h4>Declared capabilities</h4><div class="caps">${caps}</div>
${attested ? `<h4>Attested in the conformance statement</h4><ul>${attested}</ul>` : ''}
</section>
<section id="privacy"><h2>Privacy scan</h2>${privacyHtml}</section>
${waivers}
${hardSection}
<section id="requirements"><h2>Requirement traceability</h2>
<p>Every requirement on the system in catalogue ${esc(result.catalogueVersion)}, the tests that verify it and ` +
    `its status. Coverage: of the tests citing a requirement, how many ran and recorded a verdict on it. ` +
    `Requirements of the declared capabilities: ${reqCounts}</p>
<div class="filters"><select id="f-req-status" aria-label="Requirement status">${reqStatusOptions}</select></div>
<table class="matrix"><thead><tr><th>Requirement</th><th>Level</th><th>Capability</th><th>Statement</th><th>Tests</th><th>Status</th><th>Coverage</th></tr></thead>
<tbody>${result.requirements.map((r) => matrixRow(result, r, declared)).join('')}</tbody></table>
</section>
<section id="tests"><h2>Tests and evidence</h2>
<div class="filters" role="group" aria-label="Filters"><input type="search" id="f-search" placeholder="Search ` +
    `tests: ID, title, requirement…" aria-label="Search tests">${filterButtons}<select id="f-capability" ` +
    `aria-label="Capability">${capOptions}</select><button type="button" id="f-expand">Expand all</button><button ` +
    `type="button" id="f-collapse">Collapse all</button><span class="count" id="f-count"></span></div>
${result.tests.map((t) => testBlock(result, t)).join('\n')}
</section>
</main>
<footer>Generated by ics-conformance ${esc(result.harness.version)} from results.json ` +
    `(schema ${esc(result.schemaVersion)}). Evidence bundle: check it with <code>ics-conformance verify DIR ` +
    `--public-key KEY</code>. Credentials in this report are masked.</footer>
<script>${SCRIPT}</script>
</body>
</html>
`
  );
}

/** report.html: one self-contained, offline, printable report. */
/** The per-kind table of hard children: kinds down, CP-FEED-015.hard-children and each feed scenario re-run over the kind (--hard-children) across. */
function hardChildrenHtml(rows: HardChildRow[]): string {
  const { scenarios, cell } = hardChildrenGrid(rows);
  const td = (c: { status: string; requirement?: string; failure?: { requirement: string; message: string }; reason?: string } | undefined) =>
    !c
      ? '<td></td>'
      : `<td${c.failure || c.reason ? ` title="${esc(c.failure?.message ?? c.reason)}"` : ''}>${chip(c.status === 'PASSED' || c.status === 'FAILED' ? c.status : 'SKIPPED', hardCellText(c))}</td>`;
  return (
    `<section id="hard-children"><h2>Hard children</h2>
<p>Children that break naive systems, kind by kind: how the system did with each in ` +
    `<code>${esc(HARD_CHILDREN_TEST)}</code>${scenarios.length ? ' and in every feed scenario re-run over the kind (<code>--hard-children</code>)' : ''},` +
    ` with the requirement a failure broke.</p>
<table class="matrix hard"><thead><tr><th>Kind</th><th>${esc(HARD_CHILDREN_TEST)}</th>${scenarios.map((x) => `<th>${esc(x)}</th>`).join('')}</tr></thead>
<tbody>${rows.map((r) => `<tr data-kind="${esc(r.kind)}"><th scope="row"><code>${esc(r.kind)}</code></th>${td(r)}${scenarios.map((x) => td(cell(r, x))).join('')}</tr>`).join('')}</tbody></table>
</section>`
  );
}

export function htmlReporter(): Reporter {
  return {
    name: 'html',
    async write(result, outDir) {
      await writeFile(join(outDir, HTML_FILE), htmlReport(result));
      return [HTML_FILE];
    },
  };
}

/** The attestations a tester answered in a test, each linked to its requirement. */
function attestationList(t: TestResult): string {
  if (!t.attestations.length) return '';
  const item = (a: TestResult['attestations'][number]) => {
    const status = a.answer === 'yes' ? 'PASSED' : a.answer === 'no' ? 'FAILED' : 'REVIEW';
    const note = a.note ? ` <span class="muted">(${esc(a.note)})</span>` : '';
    const by = a.by ? ` <span class="muted">by ${esc(a.by)}</span>` : '';
    return `<li>${chip(status, a.answer)} <a href="#req-${esc(a.requirement)}">${esc(a.requirement)}</a>: ${esc(a.question)}${note}${by}</li>`;
  };
  return `<h4>Attestations</h4><ul class="att">${t.attestations.map(item).join('')}</ul>`;
}

/** One square of the requirement-by-capability grid. */
function gridCell(r: RequirementResult): string {
  const label = STATUS_LABEL[r.status] ?? r.status;
  const title = esc(`${r.id} (${r.level}): ${label}`);
  return `<a class="cell s-${esc(r.status)}" href="#req-${esc(r.id)}" title="${title}" aria-label="${esc(`${r.id}: ${label}`)}"></a>`;
}

export const reporter: ReporterDefinition = { name: 'html', files: [{ path: HTML_FILE, render: htmlReport }], create: htmlReporter };
