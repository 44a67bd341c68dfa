import { readFileSync } from 'node:fs';

/** The package version, read once from the nearest package.json above this file (src/ under vitest, dist/ when built, at any depth). */
function findVersion(): string {
  for (let url = new URL('../package.json', import.meta.url); ; url = new URL('../package.json', url)) {
    try {
      const pkg = JSON.parse(readFileSync(url, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'ics-conformance' && pkg.version) return pkg.version;
    } catch {
      // try the next location up
    }
    if (url.pathname === '/package.json') return '0.0.0';
  }
}

export const VERSION = findVersion();
