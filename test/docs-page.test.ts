/**
 * DOC-001 in headless Chromium: GET /docs draws the OpenAPI document in Swagger UI from the
 * server's own files (nothing from any other origin), and its try-it sends a real request with
 * the vendor's Bearer token that the mock answers and journals. Screenshots of the page and of the
 * answered request are kept in reports/test-artifacts/ (decision 0050).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { testServer } from './support/server.js';

const ARTIFACTS = resolve('reports/test-artifacts');

let srv: Awaited<ReturnType<typeof testServer>>;
let browser: Browser;
/** Every request the page tried to make to anywhere but the mock (aborted). */
const elsewhere: string[] = [];
/** The browser's console errors: a CSP violation is one. */
const consoleErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync('/usr/bin/chromium')) throw new Error('/usr/bin/chromium is missing: apt-get install -y chromium (.ci/run does this)');
  [srv, browser] = await Promise.all([
    testServer(),
    chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-gpu', '--no-first-run'],
    }),
  ]);
  await mkdir(ARTIFACTS, { recursive: true });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await srv?.close();
});

async function open(path: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.route('**/*', (route) => {
    if (route.request().url().startsWith(srv.url)) return route.continue();
    elsewhere.push(route.request().url());
    return route.abort();
  });
  page.on('console', (m) => {
    // The one 404 a page always meets: there is no /favicon.ico.
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) consoleErrors.push(`${m.text()} (${m.location().url})`);
  });
  await page.goto(srv.url + path);
  await page.locator('.opblock-tag').first().waitFor({ timeout: 30_000 });
  return page;
}

describe('GET /docs in a browser', () => {
  it("draws every operation of the OpenAPI document, from the server's own files only", async () => {
    const page = await open('/docs');
    await page.screenshot({ path: join(ARTIFACTS, 'docs.png') });
    const doc = (await srv.api.request('GET', '/openapi.json', { token: null })).body as {
      paths: Record<string, Record<string, { operationId: string; tags: string[] }>>;
    };
    const expected = Object.values(doc.paths).flatMap((methods) => Object.values(methods).map((op) => `operations-${op.tags[0]}-${op.operationId}`));
    const drawn = await page.locator('.opblock[id^="operations-"]').evaluateAll((els) => els.map((e) => e.id));
    expect(drawn.sort()).toEqual(expected.sort());
    await expect(page.locator('.btn.authorize').isVisible()).resolves.toBe(true);
    await page.close();
    expect(elsewhere).toEqual([]);
    expect(consoleErrors).toEqual([]);
  }, 60_000);

  it('try-it sends the documented example with the Bearer token: the mock answers it and journals it', async () => {
    const page = await open('/docs');
    // Authorize as the demo ICS (clientToken, HTTP Bearer).
    await page.locator('.scheme-container .btn.authorize').click();
    const scheme = page.locator('.modal-ux .auth-container').filter({ hasText: 'clientToken' });
    await scheme.locator('input').fill('demo-ics');
    await scheme.locator('button.authorize').click();
    await scheme.locator('.btn-done').click();

    const op = page.locator('#operations-contactpoint-submitInvolvement');
    await op.locator('.opblock-summary').first().click();
    await op.locator('.try-out__btn').click();
    // The body Swagger UI fills in is the interface document's example (decision 0026).
    const sent = JSON.parse(await op.locator('textarea.body-param__text').inputValue()) as { messageId: string };
    expect(sent.messageId).toMatch(/\S/);
    await op.locator('.execute').click();
    const status = op.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor({ timeout: 30_000 });
    const shown = (await status.innerText()).trim();
    expect(shown).toBe('202');
    // The answered request as a tester sees it: Execute, the curl line with the token, the 202.
    await op.locator('.btn.execute').evaluate((e) => e.scrollIntoView());
    await page.screenshot({ path: join(ARTIFACTS, 'docs-try-it.png') });
    await page.close();

    // The request reached the mock as the demo ICS's, with the example as its body.
    const { entries } = (await srv.control('GET', '/journal?limit=1000')).body as {
      entries: Array<{
        operationId: string;
        clientId?: string;
        status: number;
        verdict: string;
        requestBody: { messageId?: string };
        requestHeaders: Record<string, string>;
      }>;
    };
    const mine = entries.filter((e) => e.operationId === 'submitInvolvement' && e.requestBody?.messageId === sent.messageId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ clientId: 'ics', status: 202, verdict: 'accepted' });
    expect(mine[0]!.requestHeaders.authorization).not.toContain('demo-ics');
    expect(elsewhere).toEqual([]);
    expect(consoleErrors).toEqual([]);
  }, 90_000);

  it("a problem's type, /docs#<code>, lands on its row of the problem codes", async () => {
    const page = await open('/docs#ics-err-auth-missing');
    const row = page.locator('tr#ics-err-auth-missing');
    await expect
      .poll(() =>
        row.evaluate((tr) => {
          const r = tr.getBoundingClientRect();
          return r.top >= 0 && r.bottom <= (globalThis as any).innerHeight;
        }),
      )
      .toBe(true);
    await expect(row.innerText()).resolves.toContain('ICS_ERR_AUTH_MISSING');
    await page.close();
  }, 60_000);
});
