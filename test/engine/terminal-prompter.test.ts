/** The terminal's prompts for a witnessed run, over piped stdin (a scripted tester): keys, live lines, interruption (issue 20). */
import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { terminalPrompter } from '../../src/harness/engine/interactive.js';
import { RetryTest, SkipTest } from '../../src/harness/engine/context.js';
import { HarnessError } from '../../src/harness/engine/mock-client.js';

function setup(opts: Parameters<typeof terminalPrompter>[2] = {}) {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (d: Buffer) => (text += d.toString()));
  const p = terminalPrompter(input, output, opts);
  return { p, type: (line: string) => input.write(`${line}\n`), end: () => input.end(), out: () => text };
}

describe('terminal prompts', () => {
  it('Enter finishes an instruction; ? prints the keys and asks again; an unknown key is said and asked again', async () => {
    const t = setup();
    const done = t.p.instruct('Register a new child in the ICS: Ada Lovelace');
    t.type('?');
    t.type('x');
    t.type('');
    await done;
    expect(t.out()).toMatch(/s {6}skip this test/);
    expect(t.out()).toMatch(/r {6}retry this test/);
    expect(t.out()).toMatch(/q {6}quit/);
    expect(t.out()).toContain('"x" is not a key here');
    t.p.close();
  });

  it('s skips the current test (SkipTest, listed as skipped); r retries it (RetryTest); outside a test both are refused', async () => {
    const t = setup();
    const setupStep = t.p.instruct('Point the ICS at the mock national services');
    t.type('s');
    t.type('');
    await setupStep;
    expect(t.out()).toContain('belongs to no test');
    t.p.currentTest = 'CP-FEED-009.referral-uploads';
    const skipped = t.p.instruct('Record a referral');
    t.type('s');
    await expect(skipped).rejects.toBeInstanceOf(SkipTest);
    expect(t.p.skipped).toEqual(['CP-FEED-009.referral-uploads']);
    const retried = t.p.ask('Does the ICS use TLS?');
    t.type('r');
    await expect(retried).rejects.toBeInstanceOf(RetryTest);
    t.p.close();
  });

  it('q quits: the run is told why and the prompt throws an interruption the runner counts as not run', async () => {
    const why: string[] = [];
    const t = setup({ quit: (w) => why.push(w) });
    t.p.currentTest = 'SEC-TLS-001.attestation';
    const asked = t.p.ask('Does the ICS use TLS?');
    t.type('q');
    await expect(asked).rejects.toThrow(/the run was interrupted \(the tester quit\)/);
    expect(why).toEqual(['the tester quit']);
    t.p.close();
  });

  it('lines typed ahead of a prompt are kept for it; the end of the input quits', async () => {
    const why: string[] = [];
    const t = setup({ quit: (w) => why.push(w) });
    t.type('y');
    t.type('seen on screen');
    t.type('A. Tester');
    await expect(t.p.ask('Does the ICS use TLS?')).resolves.toEqual({ answer: 'yes', note: 'seen on screen', by: 'A. Tester' });
    t.end();
    await expect(t.p.instruct('End that involvement')).rejects.toBeInstanceOf(HarnessError);
    expect(why).toEqual(['the input ended']);
  });

  it('an interruption (Ctrl-C) ends a prompt that waits for the tester at once', async () => {
    const ac = new AbortController();
    const t = setup({ signal: ac.signal });
    const waiting = t.p.instruct('Register a new child');
    setTimeout(() => ac.abort('SIGINT'), 20);
    await expect(waiting).rejects.toThrow(/the run was interrupted \(SIGINT\)/);
    await expect(t.p.instruct('next')).rejects.toThrow(/interrupted/);
    t.p.close();
  });

  it('shows each message of the system as received or REFUSED (path, rule, requirement), terminal-safe; others are not shown', () => {
    const t = setup();
    t.p.observe({ clientId: 'ics', method: 'POST', path: '/contactpoint/v1/involvements', status: 201, verdict: 'accepted' });
    t.p.observe({
      clientId: 'ics',
      method: 'POST',
      path: '/contactpoint/v1/involvements',
      status: 422,
      verdict: 'rejected',
      problems: [{ path: '/child/name/family', rule: 'required', requirement: 'CP-FEED-001', message: 'family name \x1b[2Jmissing' }],
    });
    t.p.observe({ clientId: 'practitioner', method: 'GET', path: '/contactpoint/v1/children', status: 200, verdict: 'accepted' });
    expect(t.out()).toContain('<- received POST /contactpoint/v1/involvements: 201 accepted');
    expect(t.out()).toContain('<- REFUSED POST /contactpoint/v1/involvements: 422');
    expect(t.out()).toContain('/child/name/family family name missing (required, CP-FEED-001)');
    expect(t.out()).not.toContain('\x1b');
    expect(t.out()).not.toContain('/children');
    t.p.close();
  });
});
