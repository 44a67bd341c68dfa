import { readFileSync } from 'node:fs';

/** The package version, read once from the nearest package.json above this file (src/ under vitest, dist/ when built, at any depth). */
function findVersion(): string {
  for (let dir = new URL('.', import.meta.url); ; dir = new URL('..', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'ics-conformance' && pkg.version) return pkg.version;
    } catch {
      // try the folder above
    }
    if (dir.pathname === '/') return '0.0.0';
  }
}

export const VERSION = findVersion();
