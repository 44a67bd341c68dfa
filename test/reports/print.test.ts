/**
 * report.html as people file and skim it, in headless Chromium: printed to A4 with the system,
 * run ID and verdict on every page and "Page n of N"; the traceability matrix's Tests column
 * wrapping test IDs only between their parts; anchors by test ID; the search box. The PDF and a
 * screenshot of the printed layout are kept in reports/test-artifacts/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { runDemo } from '../../src/harness/app/demo.js';
import type { RunResult } from '../../src/harness/model/result.js';
import { htmlReport } from '../../src/harness/reporters/html.js';
import { pdfPageTexts } from '../support/pdf-text.js';
import { quickStatement, quickSuites, tempDir } from './support.js';

const ARTIFACTS = resolve('reports/test-artifacts');
/** A4 in PostScript points, as Chromium writes the MediaBox. */
const A4 = { width: 595, height: 842 };

let result: RunResult;
let file: string;
let browser: Browser;
beforeAll(async () => {
  if (!existsSync('/usr/bin/chromium')) throw new Error('/usr/bin/chromium is missing: apt-get install -y chromium (.ci/run does this)');
  [result, browser] = await Promise.all([
    runDemo({ variants: ['drops-end-date'], suites: quickSuites(), statement: quickStatement() }),
    chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-gpu', '--no-first-run'],
    }),
  ]);
  file = join(await tempDir('print'), 'report.html');
  await writeFile(file, htmlReport(result));
  await mkdir(ARTIFACTS, { recursive: true });
}, 120_000);
afterAll(async () => {
  await browser?.close();
});

async function open(width = 1280, height = 900): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
  await page.goto(pathToFileURL(file).href);
  return page;
}

/** Whitespace dropped (the PDF places glyphs one by one) and ligatures (ﬀ, ﬁ) spelt out. */
const squash = (s: string) => s.normalize('NFKC').replace(/\s+/g, '');

describe('report.html printed', () => {
  it('is A4, and every page carries the system, the run ID, the verdict and "Page n of N"', async () => {
    const page = await open(1000, 1300);
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    await writeFile(join(ARTIFACTS, 'report-print.pdf'), pdf);
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: join(ARTIFACTS, 'report-print.png'), fullPage: false });
    await page.close();
    // The PDF as Chromium's own viewer shows it (page 1 and the thumbnails), to look at, not asserted.
    // A page without the request block: the viewer is an extension with resources of its own.
    const viewer = await browser.newPage({ viewport: { width: 1000, height: 1300 } });
    await viewer.goto(pathToFileURL(join(ARTIFACTS, 'report-print.pdf')).href).catch(() => undefined);
    await viewer.waitForTimeout(3000);
    await viewer.screenshot({ path: join(ARTIFACTS, 'report-print-pdf.png') });
    await viewer.close();

    const boxes = [...pdf.toString('latin1').matchAll(/\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/g)].map((m) => [
      Math.round(Number(m[1])),
      Math.round(Number(m[2])),
    ]);
    expect(boxes.length).toBeGreaterThan(3);
    for (const b of boxes) expect(b).toEqual([A4.width, A4.height]);

    const pages = pdfPageTexts(pdf).map(squash);
    expect(pages.length).toBe(boxes.length);
    const system = squash(`${result.sut.vendor} ${result.sut.product} ${result.sut.version}`);
    pages.forEach((text, i) => {
      expect(text, `page ${i + 1}`).toContain(system);
      expect(text, `page ${i + 1}`).toContain(`Run${result.run.id}`);
      expect(text, `page ${i + 1}`).toContain('FAIL');
      expect(text, `page ${i + 1}`).toContain(`Page${i + 1}of${pages.length}`);
    });
  });

  it("wraps the matrix's test IDs only between their parts, never letter by letter, on an A4-wide page", async () => {
    // 180 mm of A4 at 96 px/inch: the width the printed matrix gets.
    const page = await open(680);
    await page.emulateMedia({ media: 'print' });
    const links = await page.evaluate(() =>
      Array.from((globalThis as any).document.querySelectorAll('.matrix td.tests a')).map((a: any) => ({
        id: a.textContent as string,
        lines: a.getClientRects().length as number,
      })),
    );
    await page.close();
    expect(links.length).toBeGreaterThan(3);
    const broken = links.filter(({ id, lines }) => lines > id.split(/[.-]/).length);
    expect(broken).toEqual([]);
  });
});

describe('report.html on screen', () => {
  it('filters the traceability matrix by requirement status, and a link to a hidden requirement shows it', async () => {
    const page = await open();
    const rows = () => page.locator('tr.req-row:visible').evaluateAll((trs: any[]) => trs.map((tr) => [tr.id, tr.getAttribute('data-status')]));
    expect((await rows()).length).toBe(result.requirements.length);
    await page.selectOption('#f-req-status', 'FAILED');
    expect(await rows()).toEqual([['req-CP-FEED-008', 'FAILED']]);
    await page.selectOption('#f-req-status', 'PASSED');
    const passed = await rows();
    expect(passed.length).toBe(result.requirements.filter((r) => r.status === 'PASSED').length);
    expect(passed.every(([, st]) => st === 'PASSED')).toBe(true);
    // The summary's link to the failed requirement clears the filter that hides it.
    await page.click('.broke a[href="#req-CP-FEED-008"]');
    await expect(page.locator('#req-CP-FEED-008').isVisible()).resolves.toBe(true);
    await expect(page.locator('#f-req-status').inputValue()).resolves.toBe('');
    await page.close();
  });

  it("draws every requirement as a square in its capability's row, coloured by its status and linked to its row", async () => {
    const page = await open();
    const cells = await page
      .locator('.grid-row')
      .evaluateAll((rows: any[]) =>
        rows.flatMap((row) =>
          Array.from(row.querySelectorAll('a.cell')).map((a: any) => [row.getAttribute('data-capability'), a.getAttribute('href'), a.className]),
        ),
      );
    expect(cells.map(([, href]) => href).sort()).toEqual(result.requirements.map((r) => `#req-${r.id}`).sort());
    for (const r of result.requirements) expect(cells).toContainEqual([r.capability, `#req-${r.id}`, `cell s-${r.status}`]);
    // Colours differ: a failed square is not painted like a passed one.
    const colour = (id: string) =>
      page.locator(`a.cell[href="#req-${id}"]`).evaluate((a: any) => (globalThis as any).getComputedStyle(a).backgroundColor as string);
    const passed = result.requirements.find((r) => r.status === 'PASSED')!;
    expect(await colour('CP-FEED-008')).not.toBe(await colour(passed.id));
    await page.locator('#summary').screenshot({ path: join(ARTIFACTS, 'report-summary.png') });
    await page.close();
  });

  it("draws the resilience test's attempts against the injected fault: a mark per attempt, painted by the answer, the fault shaded", async () => {
    const t = result.tests.find((x) => x.id === 'RES-001.lost-acknowledgement')!;
    const attempts = t.exchanges.filter((e) => e.direction === 'sut->mock');
    // The dropped acknowledgement, then the retry the mock answers.
    expect(attempts.map((e) => [e.status, e.fault])).toEqual([
      [0, 'drop-after-commit'],
      [200, undefined],
    ]);
    const page = await open();
    await page.click('article#test-RES-001\\.lost-acknowledgement > details > summary');
    const svg = page.locator('article#test-RES-001\\.lost-acknowledgement svg.timeline');
    await svg.scrollIntoViewIfNeeded();
    const drawn = await svg.locator('rect.mark').evaluateAll((rects: any[]) =>
      rects.map((r) => ({
        n: Number(r.getAttribute('data-n')),
        fill: (globalThis as any).getComputedStyle(r).fill as string,
        width: r.getBoundingClientRect().width as number,
      })),
    );
    expect(drawn.map((d) => d.n)).toEqual(attempts.map((e) => e.n));
    expect(drawn.every((d) => d.width > 0)).toBe(true);
    expect(drawn[0]!.fill).not.toBe(drawn[1]!.fill);
    await expect(svg.locator('.tl-window').count()).resolves.toBe(1);
    await svg.screenshot({ path: join(ARTIFACTS, 'report-timeline.png') });
    await page.close();
  });

  it('anchors each test by its ID, and every link in the report lands on something', async () => {
    const page = await open();
    const { articles, dangling } = await page.evaluate(() => {
      const doc = (globalThis as any).document;
      const ids = new Set(Array.from(doc.querySelectorAll('[id]')).map((e: any) => e.id));
      return {
        articles: Array.from(doc.querySelectorAll('article.test')).map((a: any) => [a.id, a.getAttribute('data-test')]),
        dangling: Array.from(doc.querySelectorAll('a[href^="#"]'))
          .map((a: any) => decodeURIComponent(a.getAttribute('href').slice(1)))
          .filter((id: string) => !ids.has(id)),
      };
    });
    for (const [id, test] of articles) expect(id).toBe(`test-${test}`);
    expect(dangling).toEqual([]);
    // A link from the matrix opens the test it names.
    await page.click('.matrix td.tests a[href="#test-CP-FEED-008.end-not-delete"]');
    expect(new URL(page.url()).hash).toBe('#test-CP-FEED-008.end-not-delete');
    await expect(page.locator('article#test-CP-FEED-008\\.end-not-delete > details').getAttribute('open')).resolves.toBe('');
    await page.close();
  });

  it('has a search box that filters the tests by ID, title or requirement, with the status filter', async () => {
    const page = await open();
    const visible = () => page.locator('article.test:visible .tid').allTextContents();
    await page.fill('#f-search', 'end-not-delete');
    expect(await visible()).toEqual(['CP-FEED-008.end-not-delete']);
    await page.fill('#f-search', 'res-001');
    expect(await visible()).toEqual(['RES-001.lost-acknowledgement']);
    await page.fill('#f-search', 'CP-FEED');
    expect((await visible()).sort()).toEqual(['CP-FEED-003.identifiers', 'CP-FEED-008.end-not-delete', 'CP-FEED-012.lead-professional']);
    await page.click('.filters button[data-status="PASSED"]');
    expect((await visible()).sort()).toEqual(['CP-FEED-003.identifiers', 'CP-FEED-012.lead-professional']);
    await expect(page.locator('#f-count').textContent()).resolves.toBe(`2 of ${result.tests.length} tests shown`);
    await page.click('.filters button[data-status=""]');
    await page.fill('#f-search', 'no such test');
    expect(await visible()).toEqual([]);
    await page.fill('#f-search', '');
    expect((await visible()).length).toBe(result.tests.length);
    await page.close();
  });
});
