/**
 * The benchmark-only tools (Prism, autocannon) are not dependencies of the package: they are
 * ~60 MB and 400 packages a vendor's `npm ci` would fetch for a script it never runs. The bench
 * installs the pinned versions into a cache folder the first time it needs them (decision 0025).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from './proc.js';

/** Pinned, so bench figures stay comparable between runs and machines. */
export const BENCH_TOOLS = {
  '@stoplight/prism-cli': '5.14.2',
  autocannon: '9.0.0',
} as const;

export type BenchTool = keyof typeof BENCH_TOOLS;

/** Inside node_modules, so `rm -rf node_modules` (or a fresh clone) clears it too. */
export const TOOLS_DIR = process.env.ICS_BENCH_TOOLS_DIR ?? join(ROOT, 'node_modules/.cache/ics-conformance-bench');

function installedVersion(dir: string, name: string): string | undefined {
  const file = join(dir, 'node_modules', name, 'package.json');
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/** The tools whose pinned version is not in `dir` yet. */
export function missingTools(dir = TOOLS_DIR): BenchTool[] {
  return (Object.keys(BENCH_TOOLS) as BenchTool[]).filter((name) => installedVersion(dir, name) !== BENCH_TOOLS[name]);
}

/**
 * Installs whatever is missing, saying so first (the install takes a minute and needs the
 * registry), and returns a require() rooted in the cache folder.
 */
export function benchTools(log: (line: string) => void, dir = TOOLS_DIR): NodeJS.Require {
  const missing = missingTools(dir);
  if (missing.length > 0) {
    const specs = missing.map((name) => `${name}@${BENCH_TOOLS[name]}`);
    log(`bench: first use, installing ${specs.join(' and ')} into ${dir} (once; about a minute)`);
    mkdirSync(dir, { recursive: true });
    // A private package.json keeps npm from walking up into the project's own one; the tools are
    // saved in it so that installing one later does not prune the other as extraneous.
    if (!existsSync(join(dir, 'package.json')))
      writeFileSync(join(dir, 'package.json'), '{ "name": "ics-conformance-bench-tools", "private": true }\n');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--save-exact', '--prefix', dir, ...specs], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const still = missingTools(dir);
    if (still.length > 0) throw new Error(`bench: npm did not install ${still.join(', ')} into ${dir}`);
  }
  return createRequire(join(dir, 'package.json'));
}
