/** The error catalogue (mocks/rules.ts: the platform's codes and every service's) and docs/errors.md list the same codes, with the same statuses. */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERRORS } from '../mocks/rules.js';
import { ProblemError } from '../src/platform/problem.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOC = readFileSync(join(ROOT, 'docs/errors.md'), 'utf8');

interface Entry {
  code: string;
  status?: number;
  meaning?: string;
  fix?: string;
  anchor: boolean;
}

/** Each `### ICS_ERR_*` section, with its Status, Meaning and Fix lines. */
function documented(md: string): Entry[] {
  return md
    .split(/^### /m)
    .slice(1)
    .map((section) => {
      const code = section.slice(0, section.indexOf('\n')).trim();
      const field = (name: string) => new RegExp(`^- \\*\\*${name}:\\*\\* ([\\s\\S]+?)(?=\\n- \\*\\*|\\n\\n|\\n#|$)`, 'm').exec(section)?.[1]?.trim();
      const status = field('Status');
      return {
        code,
        ...(status ? { status: Number(/^\d{3}/.exec(status)?.[0]) } : {}),
        ...(field('Meaning') ? { meaning: field('Meaning')! } : {}),
        ...(field('Fix') ? { fix: field('Fix')! } : {}),
        anchor: section.includes(`<a id="${code.toLowerCase().replace(/_/g, '-')}"></a>`),
      };
    });
}

describe('error catalogue and docs/errors.md', () => {
  const entries = documented(DOC);
  const docCodes = entries.map((e) => e.code);
  const codes = Object.keys(ERRORS);

  it('every code in the catalogue is documented', () => {
    expect(codes.filter((c) => !docCodes.includes(c))).toEqual([]);
  });

  it('every documented code is in the catalogue', () => {
    expect(docCodes.filter((c) => !(c in ERRORS))).toEqual([]);
  });

  it('each code is documented once', () => {
    expect(docCodes.filter((c, i) => docCodes.indexOf(c) !== i)).toEqual([]);
  });

  it("each entry gives the catalogue's status, a meaning and a fix", () => {
    const wrong = entries
      .filter((e) => e.code in ERRORS)
      .filter((e) => e.status !== ERRORS[e.code as keyof typeof ERRORS].status || !e.meaning || !e.fix || e.fix.length < 15)
      .map(
        (e) =>
          `${e.code}: status ${e.status} (catalogue ${ERRORS[e.code as keyof typeof ERRORS].status}), meaning ${Boolean(e.meaning)}, fix ${Boolean(e.fix)}`,
      );
    expect(wrong).toEqual([]);
  });

  it('each entry has the anchor that problem documents link to (`type`)', () => {
    expect(entries.filter((e) => !e.anchor).map((e) => e.code)).toEqual([]);
    const { problem } = new ProblemError('ICS_ERR_VALIDATION');
    expect(DOC).toContain(`<a id="${problem.type.split('#')[1]}"></a>`);
  });

  it('every catalogue title says what to do or what went wrong, in a sentence', () => {
    for (const [code, e] of Object.entries(ERRORS)) {
      expect(e.title, code).toMatch(/^[A-Z].{10,}\.$/);
      expect(e.status, code).toBeGreaterThanOrEqual(400);
    }
  });

  it('the docs mention no code that does not exist', () => {
    const files = readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.md'));
    const unknown: string[] = [];
    for (const f of files)
      for (const m of readFileSync(join(ROOT, 'docs', f), 'utf8').matchAll(/\bICS_ERR_[A-Z_]+[A-Z]\b/g))
        if (!(m[0] in ERRORS)) unknown.push(`${f}: ${m[0]}`);
    expect(unknown).toEqual([]);
  });
});
