/**
 * The web console in real headless Chromium against a real server on port 0: access, sessions, the
 * live journal, runs against the in-process reference ICS, and a witnessed run with a simulated tester.
 * Screenshots go to $ICS_SCREENSHOTS (default reports/test-artifacts/console, beside the other tests' pictures).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/mock-server/server.js';
import { mountConsole } from '../../src/console/app.js';
import { startReferenceIcs, type RunningReferenceIcs } from '../../reference-ics/app.js';
import { referenceStatement } from '../../src/harness/app/demo.js';
import { ALL_SUITES } from '../../suites/index.js';
import { verifyBundle } from '../../src/harness/evidence/verify.js';
import { HttpDriver, describeChild } from '../../src/harness/engine/driver.js';
import { SyntheticData } from '../../src/harness/engine/synthetic.js';
import { isoDate } from '../../src/platform/clock.js';
import { involvement } from '../support/messages.js';
import { stringify } from 'yaml';
import { parseStatement } from '../../src/harness/model/statement.js';

// Page functions run in the browser; the project's types are node's only.
declare const document: any;
declare const window: any;

const SHOTS = process.env.ICS_SCREENSHOTS ?? resolve('reports/test-artifacts/console');
const PICK = new Set(['CP-FEED-003.identifiers', 'SEC-TLS-001.attestation']);
const suites = ALL_SUITES.map((s) => ({ ...s, tests: s.tests.filter((t) => PICK.has(t.id)) })).filter((s) => s.tests.length > 0);

let srv: RunningServer;
let ics: RunningReferenceIcs;
let browser: Browser;
let runsDir: string;
const TOKEN = 'ctl_console_test_token_0123456789';

beforeAll(async () => {
  if (!existsSync('/usr/bin/chromium')) throw new Error('/usr/bin/chromium is missing: apt-get install -y chromium (.ci/run does this)');
  runsDir = join(await mkdtemp(join(tmpdir(), 'ics-console-')), 'runs');
  await mkdir(SHOTS, { recursive: true });
  srv = await startServer({ port: 0, controlToken: TOKEN, demoSession: true, extend: (app, mock) => mountConsole(app, mock, { runsDir, suites }) });
  ics = await startReferenceIcs({ port: 0 });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-gpu', '--no-first-run'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await ics?.close();
  await srv?.close();
});

/** A fresh page; any script error, CSP violation or dialog is recorded for the test to assert on. */
async function page(): Promise<{ page: Page; errors: string[]; dialogs: string[] }> {
  const p = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  const errors: string[] = [];
  const dialogs: string[] = [];
  p.on('pageerror', (e) => errors.push(e.message));
  p.on('console', (m) => {
    // The browser logs every 4xx answer; the page's refusals are asserted where they are expected.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  p.on('dialog', (d) => {
    dialogs.push(d.message());
    void (d.type() === 'confirm' ? d.accept() : d.dismiss());
  });
  await p.goto(`${srv.url}/console/`);
  return { page: p, errors, dialogs };
}

async function login(p: Page, token = TOKEN): Promise<void> {
  await p.fill('#login-token', token);
  await p.click('#login-btn');
}

async function loggedIn(): Promise<{ page: Page; errors: string[]; dialogs: string[] }> {
  const o = await page();
  await login(o.page);
  await o.page.locator('#sessions').waitFor({ state: 'visible' });
  return o;
}

describe('access', () => {
  it("refuses the API without a login and with a source system's token, in problem+json", async () => {
    const anon = await fetch(`${srv.url}/console/api/sessions`);
    expect(anon.status).toBe(401);
    expect(anon.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await anon.json()).toMatchObject({ code: 'ICS_ERR_AUTH_MISSING', status: 401 });
    const vendor = await fetch(`${srv.url}/console/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: 'demo-ics' }),
    });
    expect(vendor.status).toBe(401);
    expect(vendor.headers.get('set-cookie')).toBeNull();
    expect(await vendor.json()).toMatchObject({ code: 'ICS_ERR_AUTH_INVALID' });
    // A bearer header is not a way in either: only the login's cookie is.
    const bearer = await fetch(`${srv.url}/console/api/sessions`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(bearer.status).toBe(401);
  });

  it('the login page refuses a vendor token and opens with the control token', async () => {
    const { page: p, errors } = await page();
    await p.locator('#login').waitFor({ state: 'visible' });
    await login(p, 'demo-ics');
    await p.waitForFunction(() => document.getElementById('login-error')!.textContent!.includes('Unknown or revoked credentials'));
    expect(await p.locator('#sessions').isVisible()).toBe(false);
    await login(p);
    await p.locator('#sessions').waitFor({ state: 'visible' });
    const cookie = (await p.context().cookies()).find((c) => c.name === 'ics_console')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console' });
    expect(cookie.value).not.toContain(TOKEN);
    expect(errors).toEqual([]);
    await p.close();
  });

  it('behind a TLS proxy on this host (X-Forwarded-Proto: https from loopback) the login cookie is Secure; over plain HTTP it is not', async () => {
    const login = (headers: Record<string, string>) =>
      fetch(`${srv.url}/console/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ token: TOKEN }),
      });
    expect((await login({ 'x-forwarded-proto': 'https' })).headers.get('set-cookie')).toMatch(/; Secure$/);
    expect((await login({})).headers.get('set-cookie')).not.toMatch(/Secure/);
  });

  it("a change without the console's header is refused and changes nothing", async () => {
    const res = await fetch(`${srv.url}/console/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: TOKEN }),
    });
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    const before = ((await (await fetch(`${srv.url}/console/api/sessions`, { headers: { cookie } })).json()) as any).sessions.length;
    const forged = await fetch(`${srv.url}/console/api/sessions`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(forged.status).toBe(403);
    const after = ((await (await fetch(`${srv.url}/console/api/sessions`, { headers: { cookie } })).json()) as any).sessions.length;
    expect(after).toBe(before);
  });

  it('every page carries a strict CSP with no inline script', async () => {
    const res = await fetch(`${srv.url}/console/`);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(await res.text()).not.toMatch(/<script>|\son[a-z]+=/i);
  });
});

describe('sessions and the live journal', () => {
  it('creates a session (tokens shown once, then masked), lists, resets and deletes it', async () => {
    const { page: p, errors } = await loggedIn();
    await p.fill('#new-session-name', 'Acme ICS witnessed');
    await p.click('#create-session');
    await p.locator('#credential-table code.token').first().waitFor();
    const tokens = await p.locator('#credential-table code.token').allTextContents();
    expect(tokens.length).toBeGreaterThan(1);
    const id = (await p.locator('#credentials strong').textContent())!.match(/Session (\S+) created/)![1]!;
    await p.locator(`#session-list tr[data-id="${id}"]`).waitFor();
    await p.click('#hide-credentials');
    expect(await p.locator('#credential-table code.token').allTextContents()).toEqual(tokens.map(() => '••••••••'));
    expect(await p.content()).not.toContain(tokens[0]!);
    // The tokens work: they are this session's.
    const ok = await fetch(`${srv.url}/contactpoint/v1/involvements`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens[0]}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(ok.status).not.toBe(401);
    await p.click(`#session-list tr[data-id="${id}"] button.reset`);
    await p.click(`#session-list tr[data-id="${id}"] button.delete`);
    await p.locator(`#session-list tr[data-id="${id}"]`).waitFor({ state: 'detached' });
    expect(srv.mock.sessions.info(id)).toBeUndefined();
    expect(errors).toEqual([]);
    await p.close();
  });

  it('a reconnecting journal stream resends from Last-Event-ID, and an unknown session is a problem', async () => {
    const login = await fetch(`${srv.url}/console/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: TOKEN }),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const created = srv.mock.createSession({ name: 'replay' });
    const token = created.credentials.find((c) => c.clientId === 'ics')!.token;
    for (let i = 0; i < 3; i++)
      await fetch(`${srv.url}/contactpoint/v1/involvements`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(involvement()),
      });
    const ac = new AbortController();
    const res = await fetch(`${srv.url}/console/api/sessions/${created.session.id}/journal/events`, {
      headers: { cookie, 'last-event-id': '1' },
      signal: ac.signal,
    });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    let text = '';
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk);
      if (text.includes('event: ready')) break;
    }
    ac.abort();
    expect([...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]))).toEqual([2, 3]);
    const missing = await fetch(`${srv.url}/console/api/sessions/no-such-session/journal/events`, { headers: { cookie } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it("a bad session name is refused with the control API's problem and creates nothing", async () => {
    const { page: p } = await loggedIn();
    const before = srv.mock.sessions.list().length;
    await p.evaluate(() => (document.getElementById('new-session-name').maxLength = 1000));
    await p.fill('#new-session-name', 'x'.repeat(101));
    await p.click('#create-session');
    await p.waitForFunction(() => document.getElementById('session-error')!.textContent!.includes('/name'));
    expect(srv.mock.sessions.list().length).toBe(before);
    await p.close();
  });

  it('shows an exchange a test client sends within a second, without reload, vendor text as text', async () => {
    const { page: p, errors, dialogs } = await loggedIn();
    const created = srv.mock.createSession({ name: 'journal test' });
    const token = created.credentials.find((c) => c.clientId === 'ics')!.token;
    await p.click('button.tab[data-tab="runs"]');
    await p.click('button.tab[data-tab="sessions"]');
    await p.click(`#session-list tr[data-id="${created.session.id}"] button.open-journal`);
    await p.waitForFunction(() => document.getElementById('journal-hint')!.textContent!.startsWith('Live'));
    const xss = '<img src=x onerror=window.__pwned=1>';
    const sent = Date.now();
    const res = await fetch(`${srv.url}/contactpoint/v1/involvements`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(involvement({ child: { name: { given: xss, family: 'Hart' } } })),
    });
    await p.locator('#journal li.entry').first().waitFor({ timeout: 1000 });
    const shownMs = Date.now() - sent;
    expect(shownMs).toBeLessThan(1000);
    await p.click('#journal li.entry summary');
    const request = await p.locator('#journal li.entry pre.request').textContent();
    expect(request).toContain(xss);
    expect(await p.locator('#journal img').count()).toBe(0);
    expect(await p.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    if (res.status >= 400) expect(await p.locator('#journal table.problems td').count()).toBeGreaterThan(0);
    // A refused message shows its problems: path, rule, requirement.
    await fetch(`${srv.url}/contactpoint/v1/involvements`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(involvement({ child: { identifiers: { nhsNumber: '1234567890' } } })),
    });
    await p.locator('#journal li.entry.rejected').first().waitFor({ timeout: 1000 });
    await p.click('#journal li.entry.rejected summary');
    const cells = await p.locator('#journal li.entry.rejected table.problems td').allTextContents();
    expect(cells.join(' ')).toMatch(/CP-FEED-003/);
    // Filters: verdict, then child.
    await p.selectOption('#f-verdict', 'rejected');
    expect(await p.locator('#journal li.entry:visible').count()).toBe(await p.locator('#journal li.entry.rejected').count());
    await p.selectOption('#f-verdict', '');
    await p.fill('#f-child', 'no such child');
    expect(await p.locator('#journal li.entry:visible').count()).toBe(0);
    await p.fill('#f-child', '');
    await p.screenshot({ path: join(SHOTS, 'journal.png'), fullPage: true });
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await p.close();
  });
});

describe('runs', () => {
  it("a statement with an error is refused with the CLI's message and starts nothing", async () => {
    const { page: p } = await loggedIn();
    await p.click('button.tab[data-tab="runs"]');
    const text = 'vendor: Acme\nproduct: ICS\nversion: "1"\nsourceSystemType: ics\ncapabilities: [teleportation]\n';
    const cli = (() => {
      try {
        parseStatement(text, 'statement');
      } catch (err) {
        return (err as Error).message;
      }
      throw new Error('the statement should be refused');
    })();
    await p.fill('#statement', text);
    await p.fill('#sut-url', ics.url);
    await p.click('#start-run');
    await p.waitForFunction(() => document.getElementById('run-error')!.textContent!.includes('statement: /capabilities/0'));
    expect(await p.locator('#run-error').textContent()).toBe(`The message breaks its schema. Each error names the JSON path and the rule.: ${cli}`);
    expect(srv.mock.sessions.list().filter((s) => s.name?.startsWith('Acme'))).toEqual([]);
    await p.close();
  });

  it('a run started from a pasted statement progresses live to a verdict; report, bundle and diff are served', async () => {
    const { page: p, errors } = await loggedIn();
    await p.click('button.tab[data-tab="runs"]');
    const { attestations, ...rest } = referenceStatement();
    const statement = stringify({ ...rest, capabilities: ['contactpoint-feed'], sut: { driverUrl: ics.url }, attestations });
    const start = async () => {
      await p.fill('#statement', statement);
      await p.click('#start-run');
      await p.locator('#run-head').waitFor({ state: 'visible' });
      await p.waitForFunction(() => /PASS|FAIL|ERROR/.test(document.getElementById('run-verdict')!.textContent), undefined, { timeout: 60_000 });
      return (await p.locator('#run-title').textContent())!.split(' ').pop()!;
    };
    const first = await start();
    expect(await p.locator('#run-verdict').textContent()).toBe('PASS');
    expect(await p.locator('#run-progress').textContent()).toBe('2 of 2 tests');
    expect(await p.locator('#run-tests td.PASSED').count()).toBe(2);
    await p.screenshot({ path: join(SHOTS, 'run-finished.png'), fullPage: true });
    const report = await p.locator('#run-links a.report').getAttribute('href');
    const html = await p.request.get(`${srv.url}${report}`);
    expect(html.status()).toBe(200);
    expect(html.headers()['content-security-policy']).toMatch(/^sandbox/);
    expect(await html.text()).toContain('<html');
    // The bundle downloads as one archive that unpacks into a run directory `verify` accepts.
    const tar = await p.request.get(`${srv.url}${await p.locator('#run-links a.bundle').getAttribute('href')}`);
    const out = await mkdtemp(join(tmpdir(), 'ics-console-tar-'));
    await writeFile(join(out, 'b.tar'), await tar.body());
    execFileSync('tar', ['-xf', 'b.tar'], { cwd: out });
    expect((await verifyBundle(join(out, first))).ok).toBe(true);
    // A second run, then the diff of the two.
    const second = await start();
    await p.locator(`#run-list tr[data-id="${second}"]`).waitFor();
    await p.check(`#run-list tr[data-id="${first}"] input[name=diff-a]`);
    await p.check(`#run-list tr[data-id="${second}"] input[name=diff-b]`);
    await p.click('#diff-runs');
    await p.waitForFunction(() => document.getElementById('diff')!.textContent!.length > 0);
    expect(await p.locator('#diff').textContent()).toContain('No regression against the baseline.');
    // Re-run one test: a new run of that test alone, whose verdict says it is partial.
    await p.locator('#run-tests tr[data-test="CP-FEED-003.identifiers"] button.rerun').click();
    await p.waitForFunction((prev) => !document.getElementById('run-title')!.textContent!.endsWith(prev), second);
    await p.waitForFunction(() => document.getElementById('run-verdict')!.textContent!.startsWith('PARTIAL'), undefined, { timeout: 60_000 });
    expect(await p.locator('#run-verdict').textContent()).toBe('PARTIAL (1 test: CP-FEED-003.identifiers): PASS');
    const third = (await p.locator('#run-title').textContent())!.split(' ').pop()!;
    const partial = JSON.parse(execFileSync('cat', [join(runsDir, third, 'results.json')], { encoding: 'utf8' }));
    expect(partial.summary).toMatchObject({ verdict: 'incomplete', exitCode: 2 });
    expect(partial.tests.map((t: any) => t.id)).toEqual(['CP-FEED-003.identifiers']);
    expect((await verifyBundle(join(runsDir, third))).ok).toBe(true);
    expect(errors).toEqual([]);
    await p.close();
  }, 120_000);

  it('a witnessed run: the tester follows cards, a refused message turns the card red live, attestations are answered in the page', async () => {
    const { page: p, errors } = await loggedIn();
    await p.click('button.tab[data-tab="runs"]');
    const base = referenceStatement();
    const statement = { ...base, capabilities: ['contactpoint-feed'], attestations: [], seed: 7 };
    await p.fill('#statement', stringify(statement));
    await p.check('#interactive');
    await p.click('#start-run');
    // The tester's hands: the reference ICS's own screens are its driver API here.
    const hands = new HttpDriver(ics.url);
    const card = (n: number) => p.locator(`.card[data-id="${n}"]`);
    await card(1).waitFor();
    const configure = (await card(1).locator('.what').textContent())!;
    const [, cpUrl, cpToken] = configure.match(/ContactPoint (\S+)\/contactpoint\/v1\s+token (\S+)/)!;
    await hands.configure({ contactPoint: { baseUrl: cpUrl!, token: cpToken! }, ecaf: { baseUrl: cpUrl!, token: cpToken! } });
    await card(1).locator('button.done').click();
    await p.waitForFunction(() => !document.querySelector('.card[data-id="1"] .what')!.textContent!.includes('token ics_'));
    expect(await card(1).locator('.what').textContent()).not.toContain(cpToken);
    // The same synthetic child the run asks for (same seed, same day): the card shows its details.
    const data = new SyntheticData(7, isoDate(new Date()));
    const child = data.child({ minAge: 14 });
    await card(2).waitFor();
    expect(await card(2).locator('.what').textContent()).toContain(describeChild(child));
    const ref = await hands.registerChild(child);
    await card(2).locator('button.done').click();
    await card(3).waitFor();
    expect(await card(3).locator('.what').textContent()).toMatch(/^Record a childrens-social-care involvement/);
    await hands.recordInvolvement(ref, {
      service: 'childrens-social-care',
      worker: data.worker('childrens-social-care'),
      startDate: data.today,
      leadProfessional: false,
    });
    await p.waitForFunction(() => document.querySelector('.card[data-id="3"]')!.classList.contains('received'));
    await p.screenshot({ path: join(SHOTS, 'run-in-progress.png'), fullPage: true });
    // A second message from the ICS that the mock refuses: the card turns red at once, with the problem.
    await fetch(`${cpUrl}/contactpoint/v1/involvements`, {
      method: 'POST',
      headers: { authorization: `Bearer ${cpToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(involvement({ child: { ...child, identifiers: { nhsNumber: '1234567890' } } })),
    });
    await p.waitForFunction(() => document.querySelector('.card[data-id="3"]')!.classList.contains('refused'), undefined, { timeout: 1000 });
    expect(await card(3).locator('.msgs li.refused').textContent()).toMatch(/CP-FEED-003/);
    await card(3).locator('button.done').click();
    // Later cards (the attestation): answer until the run ends.
    const answered = new Set<number>([1, 2, 3]);
    for (;;) {
      const verdict = await p.locator('#run-verdict').textContent();
      if (verdict && /PASS|FAIL|ERROR/.test(verdict)) break;
      const open = await p
        .locator('.card.open')
        .first()
        .getAttribute('data-id', { timeout: 30_000 })
        .catch(() => null);
      if (!open || answered.has(Number(open))) {
        await p.waitForTimeout(100);
        continue;
      }
      const c = card(Number(open));
      const kind = await c.getAttribute('data-kind');
      const text = (await c.locator('.what').textContent())!;
      if (kind === 'ask') {
        // Bad input first: no answer is refused with the reason, and the card stays open.
        await c.locator('button.answer').click();
        await p.waitForFunction((id) => document.querySelector(`.card[data-id="${id}"] .error`)!.textContent!.includes('/answer'), open);
        await c.locator('input.yes').check();
        await c.locator('input.note').fill('seen in the production config <b>not bold</b>');
        await c.locator('input.by').fill('A. Assessor');
        await c.locator('button.answer').click();
      } else {
        if (/^Register a new child/.test(text)) throw new Error(`unexpected step: ${text}`);
        await c.locator('button.done').click();
      }
      answered.add(Number(open));
    }
    await p.waitForFunction(() => document.getElementById('run-state')!.textContent!.startsWith('finished'), undefined, { timeout: 60_000 });
    // The refusal broke CP-FEED-003: the run says so, and its evidence is complete and verifiable.
    expect(await p.locator('#run-verdict').textContent()).toBe('FAIL');
    expect(await p.locator('#run-tests tr[data-test="CP-FEED-003.identifiers"] td.FAILED').count()).toBe(1);
    expect(await p.locator('#cards b').count()).toBe(0);
    const id = (await p.locator('#run-title').textContent())!.split(' ').pop()!;
    expect((await verifyBundle(join(runsDir, id))).ok).toBe(true);
    const results = JSON.parse(execFileSync('cat', [join(runsDir, id, 'results.json')], { encoding: 'utf8' }));
    expect(results.run.mode).toBe('interactive');
    expect(results.tests.find((t: any) => t.id === 'SEC-TLS-001.attestation').attestations[0]).toMatchObject({ answer: 'yes', by: 'A. Assessor' });
    expect(JSON.stringify(results)).not.toContain(cpToken);
    await p.screenshot({ path: join(SHOTS, 'witnessed-finished.png'), fullPage: true });
    expect(errors).toEqual([]);
    await p.close();
  }, 180_000);

  it("with a public URL, the ICS is configured with it, not the server's own", async () => {
    const other = await startServer({
      port: 0,
      controlToken: TOKEN,
      extend: (app, mock) => mountConsole(app, mock, { runsDir, suites, publicUrl: 'https://harness.example.org' }),
    });
    try {
      const login = await fetch(`${other.url}/console/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: TOKEN }),
      });
      const headers = { cookie: login.headers.get('set-cookie')!.split(';')[0]!, 'x-ics-console': '1', 'content-type': 'application/json' };
      const started = (await (
        await fetch(`${other.url}/console/api/runs`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ statement: stringify(referenceStatement()), interactive: true }),
        })
      ).json()) as any;
      let view: any;
      for (let i = 0; i < 100 && !view?.cards?.length; i++) {
        await new Promise((r) => setTimeout(r, 50));
        view = await (await fetch(`${other.url}/console/api/runs/${started.id}`, { headers })).json();
      }
      expect(view.cards[0].text).toContain('ContactPoint https://harness.example.org/contactpoint/v1');
      expect(view.cards[0].text).not.toContain(other.url);
      expect((await fetch(`${other.url}/console/api/runs/${started.id}/stop`, { method: 'POST', headers, body: '{}' })).status).toBe(202);
    } finally {
      await other.close();
    }
  });

  it('a whole witnessed session: session created, run started, steps done, a refusal red live, the server restarted mid-run and resumed, a bundle verify accepts', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'ics-console-restart-')), 'runs');
    const serve = () => startServer({ port: 0, controlToken: TOKEN, extend: (app, mock) => mountConsole(app, mock, { runsDir: dir, suites }) });
    const first = await serve();
    let second: RunningServer | undefined;
    const hands = new HttpDriver(ics.url);
    const p = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    const tokens: string[] = [];
    const configureFrom = async (text: string) => {
      const [, url, token] = text.match(/ContactPoint (\S+)\/contactpoint\/v1\s+token (\S+)/)!;
      tokens.push(token!);
      await hands.configure({ contactPoint: { baseUrl: url!, token: token! }, ecaf: { baseUrl: url!, token: token! } });
    };
    try {
      await p.goto(`${first.url}/console/`);
      await login(p);
      // The officer opens a session for the vendor: its credentials shown once, masked after.
      await p.fill('#new-session-name', 'Acme ICS witnessed session');
      await p.click('#create-session');
      await p.locator('#credential-table code.token').first().waitFor();
      const vendorTokens = await p.locator('#credential-table code.token').allTextContents();
      await p.click('#hide-credentials');
      expect(await p.content()).not.toContain(vendorTokens[0]!);
      await p.click('button.tab[data-tab="runs"]');
      await p.fill('#statement', stringify({ ...referenceStatement(), capabilities: ['contactpoint-feed'], attestations: [], seed: 11 }));
      await p.check('#interactive');
      await p.click('#start-run');
      const card = (n: number) => p.locator(`.card[data-id="${n}"]`);
      await card(1).waitFor();
      await configureFrom((await card(1).locator('.what').textContent())!);
      await card(1).locator('button.done').click();
      const data = new SyntheticData(11, isoDate(new Date()));
      const child = data.child({ minAge: 14 });
      await card(2).waitFor();
      const ref = await hands.registerChild(child);
      await card(2).locator('button.done').click();
      await card(3).waitFor();
      await hands.recordInvolvement(ref, {
        service: 'childrens-social-care',
        worker: data.worker('childrens-social-care'),
        startDate: data.today,
        leadProfessional: false,
      });
      await p.waitForFunction(() => document.querySelector('.card[data-id="3"]')!.classList.contains('received'));
      // A message from the ICS that the mock refuses: the card turns red at once, with the problem.
      const [, cpUrl] = (await card(1).locator('.what').textContent())!.match(/ContactPoint (\S+)\/contactpoint\/v1/)!;
      await fetch(`${cpUrl}/contactpoint/v1/involvements`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens[0]}`, 'content-type': 'application/json' },
        body: JSON.stringify(involvement({ child: { ...child, identifiers: { nhsNumber: '1234567890' } } })),
      });
      await p.waitForFunction(() => document.querySelector('.card[data-id="3"]')!.classList.contains('refused'), undefined, { timeout: 1000 });
      expect(await card(3).locator('.msgs li.refused').textContent()).toMatch(/CP-FEED-003/);
      await p.screenshot({ path: join(SHOTS, 'session-run-in-progress.png'), fullPage: true });
      await card(3).locator('button.done').click();
      // The first test ends; the attestation card is up when the server goes down.
      await card(4).waitFor({ timeout: 30_000 });
      expect(await card(4).getAttribute('data-kind')).toBe('ask');
      const id = (await p.locator('#run-title').textContent())!.split(' ').pop()!;
      await first.close();
      expect(existsSync(join(dir, id, 'manifest.json'))).toBe(false);
      // What survives the restart is the ended test, masked like the evidence it will become.
      const state = execFileSync('cat', [join(dir, '.state', `${id}.json`)], { encoding: 'utf8' });
      expect(JSON.parse(state).completed.map((t: any) => t.id)).toEqual(['CP-FEED-003.identifiers']);
      expect(state).not.toContain(tokens[0]);

      second = await serve();
      await p.goto(`${second.url}/console/`);
      await login(p);
      await p.click('button.tab[data-tab="runs"]');
      await p.locator(`#run-list tr[data-id="${id}"] button.resume`).click();
      await p.locator('#run-head').waitFor({ state: 'visible' });
      // The test that ended before the restart is kept; the rest runs now, in a fresh session the ICS is pointed at.
      await p.waitForFunction(() => document.querySelector('#run-tests tr[data-test="CP-FEED-003.identifiers"] td.FAILED') !== null);
      await card(1).waitFor();
      await configureFrom((await card(1).locator('.what').textContent())!);
      await card(1).locator('button.done').click();
      await card(2).waitFor();
      expect(await card(2).getAttribute('data-kind')).toBe('ask');
      await card(2).locator('input.yes').check();
      await card(2).locator('input.by').fill('A. Assessor');
      await card(2).locator('button.answer').click();
      await p.waitForFunction(() => document.getElementById('run-state')!.textContent!.startsWith('finished'), undefined, { timeout: 60_000 });
      // The refusal before the restart broke CP-FEED-003: the resumed run still says so.
      expect(await p.locator('#run-verdict').textContent()).toBe('FAIL');
      expect(await p.locator('#run-progress').textContent()).toBe('2 of 2 tests');
      await p.screenshot({ path: join(SHOTS, 'session-finished.png'), fullPage: true });
      expect((await verifyBundle(join(dir, id))).ok).toBe(true);
      const results = JSON.parse(execFileSync('cat', [join(dir, id, 'results.json')], { encoding: 'utf8' }));
      expect(results.tests.map((t: any) => `${t.id} ${t.status}`)).toEqual(['CP-FEED-003.identifiers FAILED', 'SEC-TLS-001.attestation PASSED']);
      expect(results.tests[0].exchanges.length).toBeGreaterThan(0);
      expect(results.requirements.find((r: any) => r.id === 'CP-FEED-003').status).toBe('FAILED');
      expect(existsSync(join(dir, '.state', `${id}.json`))).toBe(false);
    } finally {
      await p.close();
      await second?.close();
    }
  }, 120_000);

  it('the tester skips a test from its card: it ends SKIPPED, the run goes on, and the verdict says PARTIAL', async () => {
    const { page: p, errors } = await loggedIn();
    await p.click('button.tab[data-tab="runs"]');
    await p.fill('#statement', stringify({ ...referenceStatement(), capabilities: ['contactpoint-feed'], attestations: [] }));
    await p.check('#interactive');
    await p.click('#start-run');
    const card = (n: number) => p.locator(`.card[data-id="${n}"]`);
    await card(1).waitFor();
    // The set-up step belongs to no test: it cannot be skipped (no button; the API refuses it).
    expect(await card(1).locator('button.skip').count()).toBe(0);
    const id = (await p.locator('#run-title').textContent())!.split(' ').pop()!;
    const refused = await p.evaluate(
      (run) =>
        fetch('/console/api/runs/' + run + '/prompts/1', {
          method: 'POST',
          headers: { 'x-ics-console': '1', 'content-type': 'application/json' },
          body: '{"skip":true}',
        }).then((r: any) => r.status),
      id,
    );
    expect(refused).toBe(422);
    expect(await card(1).getAttribute('class')).toContain('open');
    await card(1).locator('button.done').click();
    await card(2).locator('button.skip').click();
    await card(3).waitFor();
    expect(await card(3).getAttribute('data-kind')).toBe('ask');
    await p.waitForFunction(() => document.querySelector('#run-tests tr[data-test="CP-FEED-003.identifiers"] td.SKIPPED') !== null);
    await card(3).locator('input.yes').check();
    await card(3).locator('input.by').fill('A. Assessor');
    await card(3).locator('button.answer').click();
    await p.waitForFunction(() => document.getElementById('run-state')!.textContent!.startsWith('finished'), undefined, { timeout: 60_000 });
    expect(await p.locator('#run-verdict').textContent()).toBe('PARTIAL (skipped in the console: CP-FEED-003.identifiers): PASS');
    const results = JSON.parse(execFileSync('cat', [join(runsDir, id, 'results.json')], { encoding: 'utf8' }));
    expect(results.summary.verdict).toBe('incomplete');
    expect(results.tests[0]).toMatchObject({ id: 'CP-FEED-003.identifiers', status: 'SKIPPED', reason: 'skipped in the console by the tester' });
    expect(errors).toEqual([]);
    await p.close();
  }, 60_000);

  it('stopping a run while it waits minutes for a message ends it at once', async () => {
    const { page: p, errors } = await loggedIn();
    await p.click('button.tab[data-tab="runs"]');
    await p.fill('#statement', stringify({ ...referenceStatement(), capabilities: ['contactpoint-feed'], attestations: [] }));
    await p.check('#interactive');
    await p.click('#start-run');
    // The tester says "done" three times but the ICS sends nothing: the run waits (five minutes in a witnessed run).
    for (const n of [1, 2, 3]) {
      await p.locator(`.card[data-id="${n}"] button.done`).click();
      await p.locator(`.card[data-id="${n}"].done`).waitFor();
    }
    const stopped = Date.now();
    await p.click('#stop-run');
    await p.waitForFunction(() => document.getElementById('run-state')!.textContent!.startsWith('finished'), undefined, { timeout: 30_000 });
    expect(Date.now() - stopped).toBeLessThan(5_000);
    expect(await p.locator('#run-verdict').textContent()).toMatch(/^INCOMPLETE: stopped by the console/);
    expect(errors).toEqual([]);
    await p.close();
  }, 60_000);

  it('a run stopped early releases its open card and still writes a bundle, marked INCOMPLETE, that verify accepts', async () => {
    const { page: p, errors } = await loggedIn();
    await p.click('button.tab[data-tab="runs"]');
    await p.fill('#statement', stringify({ ...referenceStatement(), capabilities: ['contactpoint-feed'], attestations: [] }));
    await p.check('#interactive');
    await p.click('#start-run');
    await p.locator('.card[data-id="1"]').waitFor();
    const stopped = Date.now();
    await p.fill('#stop-by', 'A. Tester');
    await p.click('#stop-run');
    await p.waitForFunction(() => document.getElementById('run-state')!.textContent!.startsWith('finished'), undefined, { timeout: 30_000 });
    expect(Date.now() - stopped).toBeLessThan(10_000);
    expect(await p.locator('#run-verdict').textContent()).toBe('INCOMPLETE: stopped by A. Tester before any of 2 tests ended');
    expect(await p.locator('.card.open').count()).toBe(0);
    const id = (await p.locator('#run-title').textContent())!.split(' ').pop()!;
    const report = await verifyBundle(join(runsDir, id));
    expect(report.ok).toBe(true);
    expect(report.run?.verdict).toBe('incomplete');
    const results = JSON.parse(execFileSync('cat', [join(runsDir, id, 'results.json')], { encoding: 'utf8' }));
    expect(results.summary).toMatchObject({ verdict: 'incomplete', exitCode: 2 });
    expect(results.tests.every((t: any) => t.status === 'ERROR' && t.reason === 'not run: the run was stopped by A. Tester')).toBe(true);
    // Stopping again is refused, and changes nothing.
    const again = await p.evaluate(
      (run) =>
        fetch('/console/api/runs/' + run + '/stop', {
          method: 'POST',
          headers: { 'x-ics-console': '1', 'content-type': 'application/json' },
          body: '{}',
        }).then((r: any) => r.status),
      id,
    );
    expect(again).toBe(409);
    expect(errors).toEqual([]);
    await p.close();
  }, 60_000);
});
