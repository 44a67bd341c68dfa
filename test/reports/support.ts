/** Shared by the report tests: a small, quick selection of suites, reporters, temporary run directories. */
import { vi } from 'vitest';
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_SUITES } from '../../suites/index.js';
import type { Suite } from '../../src/harness/engine/types.js';
import type { Statement } from '../../src/harness/model/statement.js';
import { referenceStatement } from '../../src/harness/app/demo.js';
import type { RunResult } from '../../src/harness/model/result.js';
import type { Exchange, TestResult } from '../../src/harness/engine/types.js';
import { makeReporters } from '../../src/cli/options.js';
import { REPORTER_NAMES, type Reporter } from '../../src/harness/reporters/index.js';

/** Every reporter that writes a file (console only prints). */
export function fileReporters(): Promise<Reporter[]> {
  return makeReporters(REPORTER_NAMES.filter((n) => n !== 'console'));
}

const PICK = new Set([
  'CP-FEED-003.identifiers',
  'CP-FEED-008.end-not-delete',
  'CP-FEED-012.lead-professional',
  'RES-001.lost-acknowledgement',
  'ECAF-OUT-001.transfer-complete',
]);

/** Four quick tests over two capabilities, plus one of an undeclared capability (SKIPPED): a run of a few seconds. */
export function quickSuites(): Suite[] {
  return ALL_SUITES.map((s) => ({ ...s, tests: s.tests.filter((t) => PICK.has(t.id)) })).filter((s) => s.tests.length > 0);
}

/** The reference statement without the eCAF transfer capability, so its test is skipped. */
export function quickStatement(): Statement {
  const s = referenceStatement();
  return { ...s, capabilities: s.capabilities.filter((c) => c !== 'ecaf-transfer-out') };
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `ics-${prefix}-`));
}

export async function copyDir(from: string, prefix = 'copy'): Promise<string> {
  const to = join(await tempDir(prefix), 'run');
  await cp(from, to, { recursive: true });
  return to;
}

/** Runs fn with stdout, stderr and console quiet; what went to stdout is passed to `onOut`. */
export async function quiet<T>(fn: () => Promise<T>, onOut: (s: string) => void = () => undefined): Promise<T> {
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    onOut(String(s));
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => onOut(a.join(' ') + '\n'));
  const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    return await fn();
  } finally {
    out.mockRestore();
    err.mockRestore();
    log.mockRestore();
    error.mockRestore();
  }
}

/** A minimal result with one test holding the given exchanges. */
export function resultWith(exchanges: Array<Partial<Exchange> & Pick<Exchange, 'direction'>>, over: Partial<TestResult> = {}): RunResult {
  const ex: Exchange[] = exchanges.map((e, i) => ({
    n: i + 1,
    at: '2026-11-25T10:00:00.000Z',
    durationMs: 1,
    method: 'POST',
    url: '/x',
    status: 200,
    ...e,
  }));
  const test: TestResult = {
    id: 'T-1.sample',
    suite: 'sample',
    title: 'A sample test',
    requirements: ['CP-FEED-002'],
    capability: 'contactpoint-feed',
    mandatory: true,
    status: 'PASSED',
    startedAt: '2026-11-25T10:00:00.000Z',
    durationMs: 5,
    checks: [{ requirement: 'CP-FEED-002', verdict: 'pass', message: 'ok' }],
    exchanges: ex,
    attestations: [],
    steps: [],
    ...over,
  };
  return {
    schemaVersion: '1.0.0',
    harness: { name: 'ics-conformance', version: '0.0.0' },
    catalogueVersion: 'test',
    run: {
      id: '00000000-0000-4000-8000-000000000000',
      startedAt: '2026-11-25T10:00:00.000Z',
      finishedAt: '2026-11-25T10:00:01.000Z',
      durationMs: 1000,
      mode: 'automated',
    },
    sut: { vendor: 'V', product: 'P', version: '1' },
    statement: referenceStatement(),
    summary: { total: 1, PASSED: 1, FAILED: 0, WARNING: 0, SKIPPED: 0, ERROR: 0, REVIEW: 0, waived: 0, verdict: 'pass', label: 'PASS', exitCode: 0 },
    tests: [test],
    requirements: [],
    waivers: [],
  };
}
