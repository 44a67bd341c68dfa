/** One sanitiser for every string from the system under test on its way to a terminal (run, verify, diff). */
import { describe, expect, it } from 'vitest';
import { terminalSafe, terminalText } from '../../src/platform/terminal.js';
import { summaryText } from '../../src/harness/reporters/console.js';
import { verifyText, type VerifyReport } from '../../src/harness/evidence/verify.js';
import { diffRuns, diffText } from '../../src/harness/evidence/diff.js';
import { HOSTILE, UNSAFE, fakeVerdictLines, minimalResult as resultWith } from './support.js';

describe('terminalSafe', () => {
  it('strips CSI, OSC (titles, OSC 8 links), 8-bit controls and bidi overrides, and joins lines', () => {
    const s = terminalSafe(HOSTILE);
    expect(s).toBe('Acmeclick PASS (exit 0)');
    expect(s).not.toMatch(UNSAFE);
  });

  it('cuts to the length asked, and a 100 MB string costs no more than a short one', () => {
    expect(terminalSafe('x'.repeat(500), 10)).toBe(`${'x'.repeat(9)}…`);
    const big = 'A'.repeat(100 * 1024 * 1024);
    const t0 = performance.now();
    expect(terminalSafe(big)).toHaveLength(120);
    expect(performance.now() - t0).toBeLessThan(200);
  });

  it('an unterminated OSC swallows the rest, never leaving the terminal mid-sequence', () => {
    expect(terminalSafe('ok\x1b]0;title with no end')).toBe('ok');
  });

  it('renders a non-string (an object with toString) as JSON, not by calling it', () => {
    expect(terminalSafe({ toString: 'x' })).toBe('{"toString":"x"}');
  });

  it('keeps line breaks between lines of a text but none inside them', () => {
    expect(terminalText('a\x1b[31m\nb\r')).toBe('a\nb ');
  });
});

describe('every command prints SUT strings through it', () => {
  const hostile = () => {
    const r = resultWith();
    r.sut = { vendor: HOSTILE, product: HOSTILE, version: HOSTILE };
    r.tests[0]!.status = 'FAILED';
    r.tests[0]!.reason = `driver answered ${HOSTILE}`;
    return r;
  };

  it('run (console summary)', () => {
    const text = summaryText(hostile());
    expect(text).not.toMatch(UNSAFE);
    expect(fakeVerdictLines(text)).toEqual([]);
  });

  it('verify', () => {
    const report: VerifyReport = {
      ok: false,
      dir: `d${HOSTILE}`,
      problems: [{ kind: 'added', path: HOSTILE, message: `${HOSTILE} is not in the manifest` }],
      files: 1,
      signature: 'unsigned',
      signer: 'unverified',
      verdict: 'NOT INTACT',
      run: { id: HOSTILE, sut: HOSTILE, verdict: HOSTILE, catalogueVersion: HOSTILE, harnessVersion: HOSTILE },
    };
    const text = verifyText(report);
    expect(text).not.toMatch(UNSAFE);
    expect(fakeVerdictLines(text)).toEqual([]);
  });

  it('diff', () => {
    const base = resultWith();
    const text = diffText(
      diffRuns(
        { source: 'a', result: base, catalogue: [] },
        { source: 'b', result: hostile(), catalogue: [{ id: HOSTILE, statement: HOSTILE, level: 'MUST', capability: 'core' }] },
      ),
    );
    expect(text).not.toMatch(UNSAFE);
    expect(fakeVerdictLines(text)).toEqual([]);
  });
});
