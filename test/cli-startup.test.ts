/**
 * CLI start-up stays light: `--version`, `--help` and a command's `--help` load yargs and the command
 * declarations, not the servers, engine, suites, reporters or fixtures behind them (handlers import
 * those when they run). Each run records the modules its process loaded (test/support/module-log.mjs).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { commands } from '../src/cli/commands/index.js';
import { VERSION } from '../src/platform/version.js';
import { ensureBuilt, BIN, ROOT } from './support/build.js';

const PRELOAD = pathToFileURL(join(ROOT, 'test/support/module-log.mjs')).href;

/** Packages only a command's work needs. */
const HEAVY_PACKAGES = ['express', 'better-sqlite3', 'ajv', '@faker-js/faker', 'yaml', 'xmlbuilder2', 'pactum', '@sinclair/typebox'];
/** The project's own heavy entry points (each pulls in the packages above). */
const HEAVY_MODULES = [
  'dist/src/mock-server/server.js',
  'dist/src/mock-server/mock.js',
  'dist/src/harness/model/statement.js',
  'dist/src/harness/engine/runner.js',
  'dist/src/harness/reporters/index.js',
  'dist/src/cli/options.js',
  'dist/suites/',
  'dist/mocks/',
  'dist/fixtures/',
];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** URL of every module the process loaded. */
  loaded: string[];
}

const isPackage = (url: string, name: string) => url.includes(`/node_modules/${name}/`);
const heavyIn = (loaded: string[]) => [
  ...HEAVY_PACKAGES.filter((p) => loaded.some((u) => isPackage(u, p))),
  ...HEAVY_MODULES.filter((m) => loaded.some((u) => u.startsWith(pathToFileURL(join(ROOT, m)).href))),
];

/** Runs node with the module recorder preloaded; `args` follow node's own options. */
function node(args: string[]): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'ics-startup-'));
  const log = join(dir, 'modules.txt');
  return new Promise<Run>((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', PRELOAD, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0', ICS_MODULE_LOG: log },
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => proc.kill('SIGKILL'), 60_000);
    proc.once('error', reject);
    proc.once('close', (code) => {
      clearTimeout(timer);
      try {
        const loaded = readFileSync(log, 'utf8').split('\n').filter(Boolean);
        resolve({ code, stdout, stderr, loaded });
      } catch (err) {
        reject(new Error(`no module log (exit ${code}): ${(err as Error).message}\n${stderr}`));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

const cli = (...args: string[]) => node([BIN, ...args]);
/** Help text with yargs' line wrapping undone. */
const flat = (text: string) => text.replace(/\s+/g, ' ');

beforeAll(async () => {
  await ensureBuilt();
}, 120_000);

describe('CLI start-up', { timeout: 60_000, concurrent: true }, () => {
  it('the module recorder sees ES modules and CommonJS packages, however they are loaded', async () => {
    const { code, stderr, loaded } = await node([
      '--input-type=module',
      '-e',
      "import { createRequire } from 'node:module'; createRequire(process.cwd() + '/')('express'); await import('@faker-js/faker'); await import('ajv');",
    ]);
    expect(code, stderr).toBe(0);
    expect(heavyIn(loaded)).toEqual(expect.arrayContaining(['express', '@faker-js/faker', 'ajv']));
  });

  it('--version prints the version and loads none of the heavy modules', async () => {
    const { code, stdout, stderr, loaded } = await cli('--version');
    expect(code, stderr).toBe(0);
    expect(stdout.trim()).toBe(VERSION);
    // The recorder saw the CLI itself: an empty log would pass the next assertion vacuously.
    expect(loaded).toContain(pathToFileURL(join(ROOT, 'dist/src/cli/main.js')).href);
    expect(loaded.some((u) => isPackage(u, 'yargs'))).toBe(true);
    expect(heavyIn(loaded)).toEqual([]);
  });

  it('--help lists every command and loads none of the heavy modules', async () => {
    const { code, stdout, stderr, loaded } = await cli('--help');
    expect(code, stderr).toBe(0);
    for (const c of commands(() => {})) expect(stdout).toContain(`ics-conformance ${String(c.command).split(' ')[0]!}`);
    expect(loaded).toContain(pathToFileURL(join(ROOT, 'dist/src/cli/main.js')).href);
    expect(heavyIn(loaded)).toEqual([]);
  });

  it('serve --help still shows its options, without loading the server', async () => {
    const { code, stdout, stderr, loaded } = await cli('serve', '--help');
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('Serve the mock ContactPoint and National eCAF services');
    for (const option of ['--port', '--data', '--dataset', '--journal-limit', '--tls']) expect(stdout).toContain(option);
    expect(flat(stdout)).toContain('[choices: "empty", "hannah", "population"] [default: "population"]');
    expect(heavyIn(loaded)).toEqual([]);
  });

  it('demo --help lists the variant and reporter choices without loading the reference ICS or the reporters', async () => {
    const { code, stdout, stderr, loaded } = await cli('demo', '--help');
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('"drops-end-date"');
    expect(flat(stdout)).toContain(
      '[choices: "console", "json", "junit", "markdown", "html"] [default: ["console","json","junit","markdown","html"]]',
    );
    expect(heavyIn(loaded)).toEqual([]);
  });

  it.each(commands(() => {}).map((c) => String(c.command).split(' ')[0]!))('%s --help loads none of the heavy modules', async (name) => {
    const { code, stderr, loaded } = await cli(name, '--help');
    expect(code, stderr).toBe(0);
    expect(heavyIn(loaded)).toEqual([]);
  });

  it('a handler still loads what it needs when it runs (fixtures: the faker population)', async () => {
    const { code, stdout, stderr, loaded } = await cli('fixtures', '--count', '1', '--seed', '1');
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('"kind":"child"');
    expect(heavyIn(loaded)).toContain('@faker-js/faker');
  });
});
