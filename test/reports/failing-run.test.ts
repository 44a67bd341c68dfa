/**
 * A failing run (the reference ICS deleting involvements instead of ending them) and a passing run
 * of the same tests: the JUnit output parsed, `diff` in both directions, and report.html in headless
 * Chromium (offline, filters, vendor markup kept as text, a screenshot for the test output).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { create } from 'xmlbuilder2';
import { chromium, type Browser, type Page } from 'playwright-core';
import { runDemo } from '../../src/harness/app/demo.js';
import type { RunResult } from '../../src/harness/model/result.js';
import { writeRunDirectory } from '../../src/harness/evidence/bundle.js';
import { diffRuns, loadRun } from '../../src/harness/evidence/diff.js';
import { junitXml } from '../../src/harness/reporters/junit.js';
import { htmlReport } from '../../src/harness/reporters/html.js';
import { main } from '../../src/cli/main.js';
import { writeFile } from 'node:fs/promises';
import { fileReporters, quickStatement, quickSuites, quiet, tempDir } from './support.js';

let failing: RunResult;
let passing: RunResult;
let failDir: string;
let passDir: string;

beforeAll(async () => {
  const root = await tempDir('failing');
  failDir = join(root, 'failing');
  passDir = join(root, 'passing');
  [failing, passing] = await Promise.all([
    runDemo({ variants: ['drops-end-date'], suites: quickSuites(), statement: quickStatement() }),
    runDemo({ suites: quickSuites(), statement: quickStatement() }),
  ]);
  await writeRunDirectory(failing, await fileReporters(), failDir);
  await writeRunDirectory(passing, await fileReporters(), passDir);
}, 120_000);

/** The part of the DOM the tests read (the project compiles without the DOM library). */
interface XmlElement {
  tagName: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
  getElementsByTagName(name: string): ArrayLike<XmlElement>;
}
/** Parses XML (xmlbuilder2's DOM): attribute values and text come back decoded. */
function parseXml(xml: string): XmlElement {
  return create(xml).root().node as unknown as XmlElement;
}
const elements = (node: XmlElement, name: string) => Array.from(node.getElementsByTagName(name));
const child = (node: XmlElement, name: string) => elements(node, name)[0];

describe('the runs', () => {
  it('fail on CP-FEED-008 with the faulty variant, and pass without it', () => {
    expect(failing.summary).toMatchObject({ verdict: 'fail', exitCode: 1, FAILED: 1, SKIPPED: 1 });
    expect(passing.summary).toMatchObject({ verdict: 'pass', exitCode: 0, FAILED: 0, SKIPPED: 1 });
  });
});

describe('junit.xml', () => {
  it('parses, with one testcase per test (classname = suite) and requirement levels as properties', async () => {
    const root = parseXml(await readFile(join(failDir, 'junit.xml'), 'utf8'));
    expect(root.tagName).toBe('testsuites');
    expect(root.getAttribute('tests')).toBe(String(failing.tests.length));
    expect(root.getAttribute('failures')).toBe('1');
    expect(root.getAttribute('skipped')).toBe('1');
    const cases = elements(root, 'testcase');
    expect(cases.map((c) => c.getAttribute('classname'))).toEqual(failing.tests.map((t) => t.suite));
    const props = (c: XmlElement) => Object.fromEntries(elements(c, 'property').map((p) => [p.getAttribute('name'), p.getAttribute('value')]));
    const failed = cases.find((c) => c.getAttribute('name')!.startsWith('CP-FEED-008.end-not-delete'))!;
    expect(props(failed)).toMatchObject({
      'requirement:CP-FEED-008': 'MUST',
      'requirement:CP-FEED-010': 'MUST',
      status: 'FAILED',
      capability: 'contactpoint-feed',
    });
    // The failure says what broke: the requirement, the check, what was expected and what came, and the exchange.
    const failure = child(failed, 'failure')!;
    // Root cause first: the refused DELETE, not "nothing arrived".
    expect(failure.getAttribute('message')).toMatch(
      /^CP-FEED-008 \(MUST\): no accepted message with end date \S+: the system's DELETE deleteSourceRecord was refused \(409\): .+; expected end-not-delete; actual refused 409$/,
    );
    expect(failure.getAttribute('type')).toBe('CP-FEED-008 (MUST)');
    expect(failure.textContent).toContain('check:    tried to delete involvement');
    expect(failure.textContent).toMatch(/exchange: #\d+ sut->mock DELETE \/contactpoint\/v1\/source-records\/\S+ -> 409/);
    const skipped = cases.find((c) => c.getAttribute('name')!.startsWith('ECAF-OUT-001'))!;
    expect(child(skipped, 'skipped')!.getAttribute('message')).toContain('not declared');
    expect(cases.filter((c) => !child(c, 'failure') && !child(c, 'skipped') && !child(c, 'error'))).toHaveLength(3);
  });

  it('stays well-formed with vendor markup and characters XML cannot carry', () => {
    const r = structuredClone(failing);
    r.tests[0]!.title = 'bad <img src=x onerror=alert(1)> & "quotes" \u0000\u0007 end';
    r.tests[1]!.checks.unshift({ requirement: 'CP-FEED-008', verdict: 'fail', message: ']]> <![CDATA[ \u001b[31m', actual: { '<a>': '\uFFFF' } });
    const root = parseXml(junitXml(r));
    const cases = elements(root, 'testcase');
    expect(cases[0]!.getAttribute('name')).toBe('CP-FEED-003.identifiers: bad <img src=x onerror=alert(1)> & "quotes" \uFFFD\uFFFD end');
    expect(child(cases[1]!, 'failure')!.getAttribute('message')).toBe(
      'CP-FEED-008 (MUST): ]]> <![CDATA[ \uFFFD[31m; actual {"<a>":"\uFFFF"}'.replace('\uFFFF', '\uFFFD'),
    );
  });
});

describe('ics-conformance diff', () => {
  it('reports a regression (exit 1) when a passing test now fails', async () => {
    const d = diffRuns(await loadRun(passDir), await loadRun(failDir));
    expect(d.regression).toBe(true);
    expect(d.tests.newlyFailing.map((c) => [c.test, c.before, c.after])).toEqual([['CP-FEED-008.end-not-delete', 'PASSED', 'FAILED']]);
    expect(d.requirements.newlyFailing.map((c) => c.id)).toEqual(['CP-FEED-008']);
    expect(await quiet(() => main(['diff', passDir, failDir]))).toBe(1);
  });

  it('reports no regression (exit 0) when a failing test now passes, or nothing changed', async () => {
    const d = diffRuns(await loadRun(failDir), await loadRun(passDir));
    expect(d.regression).toBe(false);
    expect(d.tests.newlyPassing.map((c) => c.test)).toEqual(['CP-FEED-008.end-not-delete']);
    expect(d.requirements.newlyMet.map((c) => c.id)).toEqual(['CP-FEED-008']);
    expect(await quiet(() => main(['diff', failDir, passDir]))).toBe(0);
    let out = '';
    expect(
      await quiet(
        () => main(['diff', join(passDir, 'results.json'), passDir, '--json']),
        (s) => (out += s),
      ),
    ).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ regression: false, tests: { newlyFailing: [], newlyPassing: [] } });
  });

  it('lists requirements added or changed between catalogue versions', async () => {
    const newer = structuredClone(passing);
    newer.catalogueVersion = '2027.01.1';
    newer.requirements = newer.requirements.map((r) => (r.id === 'RES-003' ? { ...r, level: 'MUST' as const } : r));
    newer.requirements.push({
      id: 'CP-FEED-099',
      statement: 'A new rule.',
      level: 'MUST',
      capability: 'contactpoint-feed',
      status: 'NOT_TESTED',
      tests: [],
    });
    const file = join(await tempDir('newer'), 'results.json');
    await writeFile(file, JSON.stringify(newer));
    const d = diffRuns(await loadRun(passDir), await loadRun(file));
    expect(d.catalogue).toMatchObject({ from: passing.catalogueVersion, to: '2027.01.1' });
    expect(d.catalogue.added.map((r) => r.id)).toEqual(['CP-FEED-099']);
    expect(d.catalogue.changed).toEqual([{ id: 'RES-003', changes: [{ field: 'level', before: 'SHOULD', after: 'MUST' }] }]);
    expect(d.regression).toBe(false);
  });
});

describe('report.html in headless Chromium', () => {
  let browser: Browser;
  const external: string[] = [];

  beforeAll(async () => {
    if (!existsSync('/usr/bin/chromium')) throw new Error('/usr/bin/chromium is missing: apt-get install -y chromium (.ci/run does this)');
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-gpu', '--no-first-run'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  /** Opens a report from a file:// URL with every other request blocked (and recorded). */
  async function open(file: string): Promise<{ page: Page; dialogs: string[]; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const dialogs: string[] = [];
    const errors: string[] = [];
    page.on('dialog', async (d) => {
      dialogs.push(d.message());
      await d.dismiss();
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.route('**/*', async (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      external.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(file).href);
    return { page, dialogs, errors };
  }

  it('opens offline, filters by status and capability, and a screenshot of the failing run is kept', async () => {
    const { page, errors } = await open(join(failDir, 'report.html'));
    await expect(page.locator('#verdict').textContent()).resolves.toBe('FAIL');
    const visible = () => page.locator('article.test:visible').count();
    expect(await visible()).toBe(failing.tests.length);
    await page.click('.filters button[data-status="FAILED"]');
    expect(await visible()).toBe(1);
    await expect(page.locator('article.test:visible .tid').textContent()).resolves.toBe('CP-FEED-008.end-not-delete');
    await expect(page.locator('#f-count').textContent()).resolves.toBe(`1 of ${failing.tests.length} tests shown`);
    await page.click('.filters button[data-status="PASSED"]');
    expect(await visible()).toBe(3);
    await page.click('.filters button[data-status=""]');
    await page.selectOption('#f-capability', 'ecaf-transfer-out');
    expect(await visible()).toBe(1);
    await expect(page.locator('article.test:visible').getAttribute('data-status')).resolves.toBe('SKIPPED');
    await page.selectOption('#f-capability', '');
    // The failing check is highlighted with its path, expected and actual, and links to the exchange it judged.
    const failRow = page.locator('article.test[data-status="FAILED"] tr.check.v-fail').filter({ hasText: 'tried to delete involvement' });
    await expect(failRow.locator('td').nth(5).textContent()).resolves.toBe('DELETE');
    await expect(page.locator('article.test[data-status="FAILED"] details.ex.judged-fail[open]').count()).resolves.toBe(1);
    // Every requirement is in the traceability matrix.
    expect(await page.locator('tr.req-row').count()).toBe(failing.requirements.length);
    await expect(page.locator('#req-CP-FEED-008 .chip').textContent()).resolves.toBe('Failed');

    await page.click('.filters button[data-status="FAILED"]');
    await page.evaluate(() => (globalThis as any).scrollTo(0, 0));
    const out = resolve('reports/test-artifacts');
    await mkdir(out, { recursive: true });
    await page.screenshot({ path: join(out, 'failing-run.png'), fullPage: true });
    expect(existsSync(join(out, 'failing-run.png'))).toBe(true);
    expect(errors).toEqual([]);
    expect(external).toEqual([]);
    // The browser's own strict XML parser accepts junit.xml too.
    const junit = await readFile(join(failDir, 'junit.xml'), 'utf8');
    const parseErrors = await page.evaluate(
      (xml) => new (globalThis as any).DOMParser().parseFromString(xml, 'application/xml').getElementsByTagName('parsererror').length as number,
      junit,
    );
    expect(parseErrors).toBe(0);
    await page.close();
  });

  it('shows what the vendor sent as text, never markup', async () => {
    const xss = '<img src=x onerror=alert(1)>';
    const r = structuredClone(failing);
    r.sut.vendor = xss;
    const t = r.tests.find((x) => x.status === 'FAILED')!;
    const e = t.exchanges.find((x) => x.direction === 'sut->mock' && x.requestBody)!;
    (e.requestBody as any).child.name.given = xss;
    t.checks[0]!.actual = `${xss}<script>alert(2)</script>`;
    t.reason = `</details></article><script>alert(3)</script>`;
    const file = join(await tempDir('xss'), 'report.html');
    await writeFile(file, htmlReport(r));
    const { page, dialogs, errors } = await open(file);
    await page.evaluate(() => (globalThis as any).document.querySelectorAll('details').forEach((d: { open: boolean }) => (d.open = true)));
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(1); // the report's own
    expect(await page.locator('h1').textContent()).toContain(xss);
    await expect(
      page
        .locator('pre', { hasText: `"given": "${xss}"` })
        .first()
        .isVisible(),
    ).resolves.toBe(true);
    await expect(page.getByText(`${xss}<script>alert(2)</script>`).first().isVisible()).resolves.toBe(true);
    await page.waitForTimeout(200);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    expect(external).toEqual([]);
    await page.close();
  });
});
