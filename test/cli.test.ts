/** The real CLI (bin/ics-conformance.js over dist/), run as a user runs it: output and exit codes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { commands } from '../src/cli/commands/index.js';
import { defaultClients } from '../src/mock-server/services.js';
import { ensureBuilt, BIN, ROOT } from './support/build.js';

// ---------------------------------------------------------------------------------------------

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** At most one process per core at a time: more only adds contention to their startup. */
const slots = { free: Math.max(2, availableParallelism()), waiting: [] as Array<() => void> };
async function cli(...args: string[]): Promise<Run> {
  if (slots.free > 0) slots.free--;
  else await new Promise<void>((resolve) => slots.waiting.push(resolve));
  try {
    return await spawnCli(args);
  } finally {
    const next = slots.waiting.shift();
    if (next) next();
    else slots.free++;
  }
}

function spawnCli(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    running.add(proc);
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => proc.kill('SIGKILL'), 60_000);
    proc.once('error', reject);
    proc.once('close', (code) => {
      clearTimeout(timer);
      running.delete(proc);
      resolve({ code, stdout, stderr });
    });
  });
}

const running = new Set<ChildProcess>();
/** Each short run starts once, all together (startup is most of their cost); the tests await them. */
const runs = new Map<string, Promise<Run>>();
const run = (...args: string[]) => runs.get(args.join(' ')) ?? runs.set(args.join(' '), cli(...args)).get(args.join(' '))!;
const SHORT_RUNS = [['--help'], ['no-such-command'], [], ['serve', '--port', '0', '--no-such-option'], ['fixtures', '--count', '5', '--seed', '3']];

let fixturesAgain: Promise<Run>;

beforeAll(async () => {
  await ensureBuilt();
  for (const args of SHORT_RUNS) void run(...args);
  // A second, separate process with the same seed: the output may depend on nothing but the arguments.
  fixturesAgain = cli('fixtures', '--count', '5', '--seed', '3');
}, 120_000);
afterAll(() => {
  for (const p of running) p.kill('SIGKILL');
});

// Generous timeouts: each run starts a Node process, slow on a loaded CI machine.
describe('ics-conformance CLI', { timeout: 60_000 }, () => {
  it('--help lists every command and exits 0', async () => {
    const { code, stdout } = await run('--help');
    expect(code).toBe(0);
    const names = commands(() => {}).map((c) => String(c.command).split(' ')[0]!);
    expect(names).toEqual(expect.arrayContaining(['serve', 'fixtures']));
    for (const name of names) expect(stdout).toMatch(new RegExp(`ics-conformance ${name}\\b`));
  });

  it('an unknown command, or none, exits 2 with a usage message', async () => {
    for (const args of [['no-such-command'], []]) {
      const { code, stderr } = await run(...args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr).toContain('--help');
    }
  });

  it('an unknown option exits 2 and does not run the command', async () => {
    const { code, stdout, stderr } = await run('serve', '--port', '0', '--no-such-option');
    expect(code).toBe(2);
    expect(stderr).toMatch(/Unknown argument/);
    expect(stdout).not.toContain('listening');
  });

  it('fixtures --count 5 --seed 3 writes the same NDJSON every time', async () => {
    const a = await run('fixtures', '--count', '5', '--seed', '3');
    const b = await fixturesAgain;
    expect(a.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    const records = a.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(records.filter((r) => r.kind === 'child')).toHaveLength(5);
  });

  it('serve --port 0 prints the base URLs, the docs URL and the demo credentials, serves, and stops on SIGTERM', async () => {
    const proc = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--dataset', 'empty', '--control-token', 'cli-test-token'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(proc);
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      proc.once('exit', (code, signal) => resolve({ code, signal })),
    );
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
    for (const deadline = Date.now() + 15_000; !out.includes('Ctrl-C'); await sleep(50))
      if (Date.now() > deadline) throw new Error(`serve did not start:\n${out}`);

    const base = /ContactPoint\s+(http:\/\/127\.0\.0\.1:\d+)\/contactpoint\/v1\b/.exec(out)?.[1];
    expect(base, out).toBeDefined();
    expect(base).not.toMatch(/:0$/);
    expect(out).toContain(`${base}/ecaf/v1`);
    expect(out).toContain(`${base}/control/v1`);
    expect(out).toContain('Bearer cli-test-token');
    expect(out).toContain(`${base}/docs`);
    expect(out).toContain(`${base}/openapi.json`);
    const escape = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const c of defaultClients()) expect(out).toMatch(new RegExp(`demo-${escape(c.id)}\\s+${escape(c.name)}`));

    expect((await fetch(`${base}/health`)).status).toBe(200);
    const docs = await fetch(`${base}/docs`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toMatch(/^text\/html/);
    const lookup = await fetch(`${base}/contactpoint/v1/source-records/none`, { headers: { authorization: 'Bearer demo-ics' } });
    expect(lookup.status).toBe(404);

    proc.kill('SIGTERM');
    const result = await Promise.race([exited, sleep(10_000).then(() => 'still running')]);
    expect(result).toEqual({ code: 0, signal: null });
    running.delete(proc);
    await expect(fetch(`${base}/health`)).rejects.toThrow();
  });
});
