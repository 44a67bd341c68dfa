#!/usr/bin/env node
/**
 * The move into the one-way layout of docs/decisions/0045-layers.md, as a codemod (node, no
 * dependencies): `node scripts/relayout.mjs [--dry-run]` in a clean checkout.
 *
 * It maps by directory prefix (and a few single files), so a file added to a moved folder since this
 * was written moves with its folder. Every tracked file moves with `git mv`; every reference to a moved
 * path is rewritten: relative specifiers in .ts/.js/.mjs (imports, re-exports, import(), vi.mock(),
 * new URL(..., import.meta.url)), repository-relative paths (`src/engine/x.ts`, `dist/src/mock.js`,
 * globs) in code, JSON (package.json, tsconfig*.json), configs and Markdown, and relative Markdown
 * links. It refuses to run twice (the old layout must be there, the new one not) and refuses a tree
 * with uncommitted changes, so `git checkout .` always undoes it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { posix } from 'node:path';

/** Single files first: they win over the prefix of their folder. */
const FILES = {
  'src/tls/peer.ts': 'src/platform/peer.ts',
  'src/version.ts': 'src/platform/version.ts',
  'src/rules.ts': 'mocks/rules.ts',
  'src/mock.ts': 'src/mock-server/mock.ts',
  'src/server.ts': 'src/mock-server/server.ts',
  'src/seed.ts': 'src/mock-server/seed.ts',
  'src/preparers.ts': 'src/mock-server/preparers.ts',
  'src/engine/demo.ts': 'src/harness/app/demo.ts',
  'src/engine/offline.ts': 'src/harness/app/offline.ts',
  // Resuming reads a bundle back through evidence: composition, not engine.
  'src/engine/resume.ts': 'src/harness/app/resume.ts',
  ...Object.fromEntries(
    [
      'result-types',
      'result',
      'statement',
      'config-error',
      'profiles',
      'source-system-types',
      'catalogue',
      'catalogue-ecaf',
      'identity',
      'hard-children',
    ].map((f) => [`src/engine/${f}.ts`, `src/harness/model/${f}.ts`]),
  ),
  ...Object.fromEntries(['result-schema', 'format', 'prepare', 'privacy', 'mask'].map((f) => [`src/evidence/${f}.ts`, `src/harness/model/${f}.ts`])),
};

/** Folders, longest first when matched. src/cli, src/console, src/index.ts and src/msw.ts stay. */
const PREFIXES = {
  'src/core': 'src/platform',
  'src/identifiers': 'src/platform/identifiers',
  'src/schemas': 'src/platform/schemas',
  'src/tls': 'src/mock-server/tls',
  'src/control': 'src/mock-server/control',
  'src/workers': 'src/mock-server/workers',
  'src/engine': 'src/harness/engine',
  'src/evidence': 'src/harness/evidence',
  'src/reporters': 'src/harness/reporters',
  'src/driver-api': 'src/harness/driver-api',
};

/** The layer table after the move (test/architecture/layers.ts), replacing the one written for the old paths. */
const LAYER_TABLE = `export const LAYERS: Layer[] = [
  { name: 'platform', folders: ['src/platform/'], mayImport: [] },
  { name: 'services', folders: ['mocks/contactpoint/', 'mocks/ecaf/', 'mocks/rules.ts'], mayImport: ['platform'] },
  { name: 'fixtures', folders: ['fixtures/'], mayImport: ['platform', 'services'] },
  { name: 'mock-server', folders: ['src/mock-server/'], mayImport: ['platform', 'services', 'fixtures'] },
  { name: 'model', folders: ['src/harness/model/'], mayImport: ['platform', 'services', 'fixtures'] },
  { name: 'driver-api', folders: ['src/harness/driver-api/'], mayImport: ['platform', 'services', 'model'] },
  { name: 'engine', folders: ['src/harness/engine/'], mayImport: ['platform', 'services', 'fixtures', 'model', 'driver-api'] },
  { name: 'reporters', folders: ['src/harness/reporters/'], mayImport: ['platform', 'model', 'engine'] },
  { name: 'evidence', folders: ['src/harness/evidence/'], mayImport: ['platform', 'fixtures', 'model', 'engine', 'reporters'] },
  { name: 'suites', folders: ['suites/'], mayImport: ['platform', 'services', 'fixtures', 'model', 'driver-api', 'engine'] },
  { name: 'reference-ics', folders: ['reference-ics/'], mayImport: ['platform', 'services', 'fixtures', 'model', 'driver-api'] },
  {
    name: 'app',
    folders: ['src/harness/app/', 'src/cli/', 'src/console/'],
    mayImport: ['platform', 'services', 'fixtures', 'mock-server', 'model', 'driver-api', 'engine', 'reporters', 'evidence', 'suites', 'reference-ics'],
  },
  { name: 'entry', folders: ['src/index.ts', 'src/msw.ts'], mayImport: ['platform', 'services', 'fixtures', 'mock-server'] },
];`;
const LAYERS_FILE = 'test/architecture/layers.ts';

/** Files never rewritten: this script's own mapping, the decision that records the move, the lock file (it only names packages). */
const KEEP = new Set(['scripts/relayout.mjs', 'docs/decisions/0045-layers.md', 'package-lock.json']);
/** Files whose text is read for references. */
const TEXT = /\.(ts|mts|cts|js|mjs|cjs|json|md|ya?ml)$/;
const CODE = /\.(ts|mts|cts|js|mjs|cjs)$/;

const dryRun = process.argv.includes('--dry-run');
const git = (...args) => execFileSync('git', args, { encoding: 'utf8' });
const die = (msg) => {
  console.error(`relayout: ${msg}`);
  process.exit(1);
};

process.chdir(git('rev-parse', '--show-toplevel').trim());
if (!existsSync('src/core') || existsSync('src/platform') || existsSync('src/harness') || existsSync('src/mock-server'))
  die('the tree is not in the old layout (src/core missing, or src/platform, src/harness or src/mock-server already there): it has run already');
if (git('status', '--porcelain', '--untracked-files=no').trim()) die('commit or stash your changes first, so that `git checkout .` can undo this');

const tracked = git('ls-files', '-z').split('\0').filter(Boolean);
const trackedSet = new Set(tracked);
/** Every folder that holds a tracked file. */
const dirs = new Set(
  tracked.flatMap((f) =>
    f
      .split('/')
      .slice(0, -1)
      .map((_, i, parts) => parts.slice(0, i + 1).join('/')),
  ),
);

const FILE_KEYS = Object.entries(FILES).map(([from, to]) => [from.replace(/\.ts$/, ''), to.replace(/\.ts$/, '')]);
const PREFIX_KEYS = Object.entries(PREFIXES).sort((a, b) => b[0].length - a[0].length);
/** Extensions a reference to a source file can carry: the source, the build's output and the bare module path. */
const EXTS = ['.ts', '.js', '.d.ts', '.js.map', ''];

/** Where a repository-relative path (file, folder or glob) is after the move, or undefined if it does not move. */
function mapPath(p) {
  for (const [from, to] of FILE_KEYS) for (const ext of EXTS) if (p === from + ext && (ext !== '' || !dirs.has(p))) return to + ext;
  for (const [from, to] of PREFIX_KEYS) if (p === from || p.startsWith(`${from}/`)) return to + p.slice(from.length);
  return undefined;
}

for (const f of tracked)
  if (f.startsWith('src/') && !mapPath(f) && !/^src\/(cli|console)\//.test(f) && !['src/index.ts', 'src/msw.ts'].includes(f))
    console.warn(`relayout: ${f} is in no mapping and stays where it is: add it to a layer (test/architecture/layers.ts fails until then)`);

const untracked = git('ls-files', '--others', '--exclude-standard')
  .split('\n')
  .filter((f) => f && mapPath(f));
if (untracked.length) die(`untracked files in moved folders would be left behind: ${untracked.join(', ')}`);

const moves = tracked.map((f) => [f, mapPath(f)]).filter(([, to]) => to);
const newPath = new Map(moves);
const where = (f) => newPath.get(f) ?? f;

/** A relative reference from `file` (old path) to what it names, rewritten for where both will be; undefined when it names nothing tracked or nothing moves. */
function rewriteRelative(file, spec) {
  const [bare, suffix = ''] = spec.split(/(?=[?#])/);
  const slash = bare.endsWith('/') ? '/' : '';
  const target = posix.normalize(posix.join(posix.dirname(file), bare)).replace(/\/$/, '');
  let known;
  if (trackedSet.has(target) || dirs.has(target)) known = target;
  else if (/\.m?js$/.test(target) && trackedSet.has(target.replace(/\.(m?)js$/, '.$1ts'))) known = target;
  if (known === undefined || target.startsWith('..')) return undefined;
  const to = mapPath(known) ?? known;
  const fromDir = posix.dirname(where(file));
  if (to === known && fromDir === posix.dirname(file)) return undefined;
  let rel = posix.relative(fromDir, to) || '.';
  if (rel !== '.' && rel !== '..' && !rel.startsWith('../')) rel = `./${rel}`;
  const out = rel + slash + suffix;
  return out === spec ? undefined : out;
}

/** Repository-relative paths under src/ (also as dist/src/..., ./src/..., globs), wherever they are written. */
const ROOTED = /(?<![\w.@/-])(\.\/)?(dist\/)?(src\/[\w.*/-]*[\w*])/g;
/** Relative specifiers in code: any quoted string that starts with ./ or ../ (imports, import(), vi.mock, new URL). */
const QUOTED = /(['"`])(\.\.?\/[^'"`\s$]*)\1/g;
/** Relative Markdown link targets. */
const LINK = /(\]\()(\.\.?\/[^)\s]+)(\))/g;

function rewrite(file, text) {
  let out = text;
  if (CODE.test(file)) out = out.replace(QUOTED, (m, q, spec) => ((r) => (r ? q + r + q : m))(rewriteRelative(file, spec)));
  if (file.endsWith('.md')) out = out.replace(LINK, (m, a, spec, b) => ((r) => (r ? a + r + b : m))(rewriteRelative(file, spec)));
  out = out.replace(ROOTED, (m, dot = '', dist = '', p) => ((to) => (to ? dot + dist + to : m))(mapPath(p)));
  return out;
}

const edits = [];
for (const f of tracked) {
  if (!TEXT.test(f) || KEEP.has(f) || !existsSync(f)) continue;
  const before = readFileSync(f, 'utf8');
  let after = rewrite(f, before);
  if (f === LAYERS_FILE) {
    const table = /export const LAYERS: Layer\[\] = \[[\s\S]*?\n\];/;
    if (!table.test(after)) die(`${LAYERS_FILE}: no LAYERS table to replace`);
    after = after.replace(table, LAYER_TABLE);
  }
  if (after !== before) edits.push([f, after]);
}

console.log(`relayout: ${moves.length} files move, ${edits.length} files' references change`);
if (dryRun) {
  for (const [from, to] of moves) console.log(`  git mv ${from} ${to}`);
  for (const [f] of edits) console.log(`  edit ${where(f)}`);
  process.exit(0);
}

for (const [f, text] of edits) writeFileSync(f, text);
for (const [from, to] of moves) {
  mkdirSync(posix.dirname(to), { recursive: true });
  git('mv', from, to);
}
// The build output holds the old layout: the next build (npm run build, or a test that needs dist/) makes the new one.
rmSync('dist', { recursive: true, force: true });
git('add', '-A', '--', ...new Set(edits.map(([f]) => where(f))));
console.log('relayout: done; check with `npx tsc --noEmit -p tsconfig.json && npx eslint . && npx vitest run`, then commit');
