/** Clear first failures (issue 20): one pre-flight check, a --sut that is no URL, a port in use, every failing check shown. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { consoleReporter } from '../../src/harness/reporters/console.js';
import { markdownSummary } from '../../src/harness/reporters/markdown.js';
import { referenceStatement } from '../../src/harness/app/demo.js';
import type { TestResult } from '../../src/harness/engine/types.js';

const dir = mkdtempSync(join(tmpdir(), 'ics-first-'));
let busy: Server;
let busyPort = 0;
let closedPort = 0;

beforeAll(async () => {
  busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  busyPort = (busy.address() as { port: number }).port;
  // A port that was free a moment ago and nothing listens on now: connecting to it is refused.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  closedPort = (probe.address() as { port: number }).port;
  await new Promise((r) => probe.close(r));
});
afterAll(() => new Promise((r) => busy.close(r)));

function statement(extra = ''): string {
  const file = join(dir, `s-${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(
    file,
    `vendor: ics-conformance project\nproduct: Reference ICS\nversion: 1.0.0\nsourceSystemType: ics\ncapabilities: [contactpoint-feed]\n${extra}`,
  );
  return file;
}

/** main() with what it prints captured. */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const spies = [
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void (out += a.join(' ') + '\n')),
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void (err += a.join(' ') + '\n')),
    vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((out += String(c)), true)),
    vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((err += String(c)), true)),
  ];
  try {
    return { code: await main(args), out, err };
  } finally {
    for (const s of spies) s.mockRestore();
  }
}

describe('clear first failures', () => {
  it('a system that is not running: said once before any test (ECONNREFUSED, the URL), exit 3, no test run, no cascade', async () => {
    const url = `http://127.0.0.1:${closedPort}`;
    const r = await cli(['run', '--config', statement(), '--sut', url, '--out', join(dir, 'down'), '--reporter', 'console']);
    expect(r.code).toBe(3);
    expect(r.err).toContain('pre-flight check failed, no test was run');
    expect(r.err).toMatch(/connection refused \(ECONNREFUSED\)/);
    expect(r.err.split(url).length - 1).toBe(1);
    expect(r.out).not.toMatch(/^ERROR /m);
    expect(r.out).not.toContain('Evidence bundle');
  });

  it('mock services that are not running are named the same way (--mock-url), once', async () => {
    const url = `http://127.0.0.1:${closedPort}`;
    const r = await cli(['run', '--config', statement(), '--interactive', '--mock-url', url, '--control-token', 'x', '--out', join(dir, 'nomocks')]);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(new RegExp(`the mock services at ${url.replace(/\./g, '\\.')} are unreachable: connection refused \\(ECONNREFUSED\\)`));
  });

  it('--sut that is not a URL is a usage error (exit 2) saying what it wants', async () => {
    const r = await cli(['run', '--config', statement(), '--sut', 'localhost-8080', '--out', join(dir, 'nourl')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--sut "localhost-8080" is not an http\(s\) URL: give the base URL of your system's driver API/);
  });

  it('a port in use names the port and the flag that changes it (run --mock-port, console --port, serve --port): exit 2', async () => {
    const run = await cli(['run', '--config', statement(), '--interactive', '--mock-port', String(busyPort), '--out', join(dir, 'busy')]);
    expect(run.code).toBe(2);
    expect(run.err).toContain(
      `port ${busyPort} is in use (EADDRINUSE on 127.0.0.1:${busyPort}): stop what holds it, or choose another port with --mock-port`,
    );
    const consoleCmd = await cli(['console', '--port', String(busyPort), '--runs', join(dir, 'runs')]);
    expect(consoleCmd.code).toBe(2);
    expect(consoleCmd.err).toContain(`port ${busyPort} is in use`);
    expect(consoleCmd.err).toContain('--port');
    const serve = await cli(['serve', '--port', String(busyPort), '--count', '5']);
    expect(serve.code).toBe(2);
    expect(serve.err).toContain(`choose another port with --port`);
  });
});

describe('every failing check of a test is shown', () => {
  const checks = [
    { requirement: 'CP-FEED-001', verdict: 'fail' as const, message: 'the family name is missing', path: '/child/name/family' },
    { requirement: 'CP-FEED-004', verdict: 'fail' as const, message: 'the date of birth is in the future', path: '/child/dateOfBirth' },
    { requirement: 'CP-FEED-008', verdict: 'fail' as const, message: 'the involvement was deleted, not ended', exchange: 7 },
    { requirement: 'CP-FEED-002', verdict: 'pass' as const, message: 'the NHS number is valid' },
  ];
  it('in the console output, one line per failing check', () => {
    let text = '';
    const out = { write: (s: string) => ((text += s), true), isTTY: false } as unknown as NodeJS.WriteStream;
    const r = consoleReporter(out);
    const t: TestResult = {
      id: 'CP-FEED-001.many',
      suite: 'contactpoint-feed',
      title: 't',
      requirements: ['CP-FEED-001'],
      capability: 'contactpoint-feed',
      mandatory: true,
      status: 'FAILED',
      reason: 'CP-FEED-001: the family name is missing',
      startedAt: '',
      durationMs: 3,
      checks,
      exchanges: [],
      attestations: [],
      steps: [],
    };
    r.onProgress!({ type: 'test-end', result: t });
    expect(text).toContain('CP-FEED-001: the family name is missing (at /child/name/family)');
    expect(text).toContain('CP-FEED-004: the date of birth is in the future (at /child/dateOfBirth)');
    expect(text).toContain('CP-FEED-008: the involvement was deleted, not ended');
    expect(text).not.toContain('the NHS number is valid');
  });

  it('in summary.md, under the test', () => {
    const t: TestResult = {
      id: 'CP-FEED-001.many',
      suite: 'contactpoint-feed',
      title: 't',
      requirements: ['CP-FEED-001'],
      capability: 'contactpoint-feed',
      mandatory: true,
      status: 'FAILED',
      startedAt: '',
      durationMs: 3,
      checks,
      exchanges: [],
      attestations: [],
      steps: [],
    };
    const base = {
      schemaVersion: '1',
      harness: { name: 'ics-conformance' as const, version: '0' },
      catalogueVersion: '1',
      run: { id: 'r', startedAt: '', finishedAt: '', durationMs: 0, mode: 'automated' as const },
      sut: { vendor: 'V', product: 'P', version: '1' },
      statement: referenceStatement(),
      summary: {
        total: 1,
        PASSED: 0,
        FAILED: 1,
        WARNING: 0,
        SKIPPED: 0,
        ERROR: 0,
        REVIEW: 0,
        waived: 0,
        verdict: 'fail' as const,
        label: 'FAIL',
        exitCode: 1 as const,
      },
      tests: [t],
      requirements: [],
      waivers: [],
    };
    const md = markdownSummary(base);
    expect(md).toContain('### Failing checks (3 in 1 test)');
    expect(md).toContain('**CP-FEED-001** the family name is missing at `/child/name/family`');
    expect(md).toContain('**CP-FEED-004** the date of birth is in the future at `/child/dateOfBirth`');
    expect(md).toContain('**CP-FEED-008** the involvement was deleted, not ended (exchange, journal seq 7)');
  });
});
