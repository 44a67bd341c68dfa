/** A token the system echoes back in another form is masked all the same: base64, URL-encoded, split. */
import { describe, expect, it } from 'vitest';
import { maskSecrets } from '../../src/harness/model/mask.js';

const token = 'ics_9f8e7d6c5b4a39281706f5e4';
const pct = (s: string, upper = false) => [...s].map((c) => `%${c.charCodeAt(0).toString(16)[upper ? 'toUpperCase' : 'toLowerCase']()}`).join('');
const masked = (v: string) => maskSecrets({ echoed: v }, [token]).echoed;

describe('masking a known secret in the forms a system might echo it in', () => {
  it.each([
    ['base64', `token ${Buffer.from(token).toString('base64')}`],
    ['base64url', Buffer.from(token).toString('base64url')],
    ['inside a Basic credential (base64 at another alignment)', `Basic ${Buffer.from(`demo-ics:${token}`).toString('base64')}`],
    ['inside base64 at the third alignment', Buffer.from(`ab${token}`).toString('base64')],
    ['percent-encoded, lower case', `t=${pct(token)}`],
    ['percent-encoded, upper case, mixed with plain characters', `t=${token.slice(0, 5)}${pct(token.slice(5), true)}`],
    ['split by a JS-style concatenation', `"${token.slice(0, 10)}" + "${token.slice(10)}"`],
    ['split over lines and spaces', `${token.slice(0, 7)}\n  ${token.slice(7, 19)} ${token.slice(19)}`],
    ['split with escaped line breaks (a JSON text inside a string)', `${token.slice(0, 12)}\\n${token.slice(12)}`],
    ['half of it on its own (the other half sent elsewhere)', `first part: ${token.slice(0, 15)}`],
    ['the last half on its own', `second part: ${token.slice(-14)}`],
  ])('%s', (_name, value) => {
    const out = masked(value);
    expect(out).toContain('***');
    for (const form of [token, token.slice(0, 14), token.slice(-14), Buffer.from(token).toString('base64').slice(4, 20)])
      expect(out).not.toContain(form);
    expect(decodeURIComponent(out.replace(/%(?![0-9a-f]{2})/gi, ''))).not.toContain(token.slice(4));
  });

  it('leaves ordinary text, and short pieces that happen to share a few characters, alone', () => {
    for (const v of ['the ics_ prefix names a client token', 'version 9f8e', 'aWNzXz', 'a, b, c'] as const) expect(masked(v)).toBe(v);
  });

  it("masks a secret found in the result itself (a configure call's token) in its base64 form elsewhere", () => {
    const out = maskSecrets({ configure: { token }, later: { body: Buffer.from(`Bearer ${token}`).toString('base64') } });
    expect(out.configure.token).toBe('***');
    expect(out.later.body).toContain('***');
    expect(Buffer.from(out.later.body.replace(/\*\*\*/g, ''), 'base64').toString('latin1')).not.toContain(token.slice(4, 20));
  });
});
