/**
 * `ics-conformance pdf RUN`: report.html printed by the installed Chromium to A4 pages, each with
 * the system, the run ID, the verdict and "Page n of N", every test opened (the report's
 * beforeprint: exchanges show their summary line, failing ones their bodies too); the PDF goes beside the run directory, so the bundle still verifies.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { findBrowser } from '../../src/harness/reporters/pdf.js';
import { htmlReport } from '../../src/harness/reporters/html.js';
import { pdfPageTexts } from '../support/pdf-text.js';
import { resultWith, tempDir } from './support.js';

const squash = (s: string) => s.normalize('NFKC').replace(/\s+/g, '');

describe('ics-conformance pdf', () => {
  it('prints the report to A4 pages with the running header and page numbers, beside the run directory', async () => {
    if (!existsSync('/usr/bin/chromium')) throw new Error('/usr/bin/chromium is missing: apt-get install -y chromium (.ci/run does this)');
    // A passed test (collapsed on screen) with enough exchanges for several pages: printed opened.
    const result = resultWith(Array.from({ length: 40 }, (_, i) => ({ direction: 'sut->mock' as const, url: `/contactpoint/v1/involvements/${i}` })));
    const run = join(await tempDir('pdf'), 'run-1');
    await mkdir(run);
    await writeFile(join(run, 'report.html'), htmlReport(result));
    const code = await main(['pdf', run, '--browser', '/usr/bin/chromium']);
    expect(code).toBe(0);
    expect(readdirSync(run)).toEqual(['report.html']);
    const pdf = await readFile(`${run}-report.pdf`);
    const boxes = [...pdf.toString('latin1').matchAll(/\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/g)].map((m) => [
      Math.round(Number(m[1])),
      Math.round(Number(m[2])),
    ]);
    expect(boxes.length).toBeGreaterThan(1);
    for (const b of boxes) expect(b).toEqual([595, 842]);
    const pages = pdfPageTexts(pdf).map(squash);
    expect(pages.length).toBe(boxes.length);
    pages.forEach((text, i) => {
      expect(text, `page ${i + 1}`).toContain(squash(`${result.sut.vendor} ${result.sut.product} ${result.sut.version}`));
      expect(text, `page ${i + 1}`).toContain(`Run${result.run.id}`);
      expect(text, `page ${i + 1}`).toContain('PASS');
      expect(text, `page ${i + 1}`).toContain(`Page${i + 1}of${pages.length}`);
    });
    expect(pages.join('')).toContain('#40sut->mockPOST/contactpoint/v1/involvements/39');
  }, 120_000);

  it('is a usage error without a report or without a browser, and writes nothing', async () => {
    const dir = await tempDir('pdf-none');
    expect(await main(['pdf', dir, '--browser', '/usr/bin/chromium'])).toBe(2);
    await writeFile(join(dir, 'report.html'), '<!doctype html><p>x</p>');
    expect(await main(['pdf', dir, '--browser', join(dir, 'no-such-browser')])).toBe(2);
    expect(existsSync(`${dir}-report.pdf`)).toBe(false);
    expect(findBrowser(undefined, { CHROME_PATH: join(dir, 'nothing') })).toBeUndefined();
    expect(findBrowser(undefined, { CHROME_PATH: '/usr/bin/chromium' })).toBe('/usr/bin/chromium');
  });
});
