/** Shared by the hostile-SUT tests: hostile strings and a minimal result. */
import type { RunResult } from '../../src/harness/model/result.js';
import { referenceStatement } from '../../src/harness/app/demo.js';

/** Clear screen, window title, an OSC 8 link, cursor moves, 8-bit CSI, a bidi override and a fake verdict line. */
export const HOSTILE =
  'Acme\x1b[2J\x1b[H\x1b]0;pwned\x07\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\\x1b[5A\x9b2K\u202e\r\nPASS (exit 0)\x00\x07';

/** Any escape, C0/C1 control (but the line breaks we put there) or bidi control. */
// eslint-disable-next-line no-control-regex -- the controls are what it looks for
export const UNSAFE = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

/** A line that pretends to be the harness's verdict. */
export const fakeVerdictLines = (text: string) => text.split('\n').filter((l) => /^\s*PASS \(exit/.test(l));

/** A minimal result with one test. */
export function minimalResult(): RunResult {
  const at = '2026-11-25T10:00:00.000Z';
  return {
    schemaVersion: '1.0.0',
    harness: { name: 'ics-conformance', version: '0.0.0' },
    catalogueVersion: 'test',
    run: { id: '00000000-0000-4000-8000-000000000000', startedAt: at, finishedAt: '2026-11-25T10:00:01.000Z', durationMs: 1000, mode: 'automated' },
    sut: { vendor: 'V', product: 'P', version: '1' },
    statement: referenceStatement(),
    summary: { total: 1, PASSED: 1, FAILED: 0, WARNING: 0, SKIPPED: 0, ERROR: 0, REVIEW: 0, waived: 0, verdict: 'pass', label: 'PASS', exitCode: 0 },
    tests: [
      {
        id: 'T-1.sample',
        suite: 'sample',
        title: 'A sample test',
        requirements: ['CP-FEED-002'],
        capability: 'contactpoint-feed',
        mandatory: true,
        status: 'PASSED',
        startedAt: at,
        durationMs: 5,
        checks: [{ requirement: 'CP-FEED-002', verdict: 'pass', message: 'ok' }],
        exchanges: [],
        attestations: [],
        steps: [],
      },
    ],
    requirements: [],
    waivers: [],
  };
}
