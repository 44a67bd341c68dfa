/**
 * The bin runs dist/. `npm ci` builds it (prepare); a developer in watch mode may have an old one.
 * Tests that spawn the real CLI call ensureBuilt() first; a lock keeps parallel files from building at once.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'bin/ics-conformance.js');
const BUILT = join(ROOT, 'dist/src/cli/main.js');

function newestSource(): number {
  let newest = 0;
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  // The folders the build compiles, as tsconfig.build.json lists them.
  const { include } = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as { include: string[] };
  for (const d of include) walk(join(ROOT, d));
  return newest;
}

const fresh = () => existsSync(BUILT) && statSync(BUILT).mtimeMs >= newestSource();

export async function ensureBuilt(): Promise<void> {
  if (fresh()) return;
  const lock = join(ROOT, 'dist', '.test-build-lock');
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  for (const deadline = Date.now() + 90_000; ;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline || Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 120_000)
        rmSync(lock, { recursive: true, force: true });
      await sleep(200);
    }
  }
  try {
    if (fresh()) return;
    const started = Date.now();
    const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
    // tsc still emits when some file has a type error (the typecheck step reports those): only a build
    // that wrote nothing is fatal here.
    if (!existsSync(BUILT) || statSync(BUILT).mtimeMs < started - 1000) throw new Error(`npm run build failed:\n${r.stdout}\n${r.stderr}`);
  } finally {
    rmdirSync(lock);
  }
}
