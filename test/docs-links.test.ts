/** The docs ship with the package: every relative link in them must lead to a file that ships too. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const shipped = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[] }).files;

function markdown(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? markdown(p) : p.endsWith('.md') ? [p] : [];
  });
}

it('every relative link in README.md and docs/ resolves to a shipped file', () => {
  const broken: string[] = [];
  for (const file of [join(root, 'README.md'), ...markdown(join(root, 'docs'))]) {
    const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target!) || target!.startsWith('#')) continue;
      const path = resolve(dirname(file), target!.split('#')[0]!);
      const rel = relative(root, path);
      const ships = shipped.some((f) => rel === f || rel.startsWith(`${f}/`));
      if (!existsSync(path) || !ships) broken.push(`${relative(root, file)} -> ${target} (${existsSync(path) ? 'not shipped' : 'missing'})`);
    }
  }
  expect(broken).toEqual([]);
});
