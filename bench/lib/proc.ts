/**
 * Child processes for the benchmarks: every server under test runs in its own process, so the load
 * generator and the server never share an event loop. Loopback only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

/** The package root (the folder with package.json), from dist/bench/... or bench/... alike. */
export const ROOT = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the bench');
    dir = up;
  }
  return dir;
})();

export const CLI = join(ROOT, 'bin/ics-conformance.js');
/** Compiled bench scripts (bench/servers/*.ts are built to dist/bench/servers/*.js). */
export const BENCH_DIST = join(ROOT, 'dist/bench');

export interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  url: string;
  /** Everything the child wrote to stderr (last 64 KiB). */
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM (graceful), then SIGKILL after a grace period. */
  stop(graceMs?: number): Promise<void>;
  kill(): Promise<void>;
}

const children = new Set<ChildProcess>();

/** Kills every server the bench started (on any way out, so none is left holding the process open). */
export function killChildren(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
process.once('exit', killChildren);

/**
 * Spawns `node args...` and resolves once `ready` matches its stdout (the URL in group 1), or once
 * `probePort` accepts a connection (for children that print nothing, like a silent Prism).
 */
export async function spawnNode(
  name: string,
  args: string[],
  opts: { ready?: RegExp; probePort?: number; timeoutMs?: number; nodeArgs?: string[]; env?: NodeJS.ProcessEnv } = {},
): Promise<Child> {
  const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production', ...(opts.env ?? {}) },
  });
  children.add(proc);
  let err = '';
  let out = '';
  proc.stderr.setEncoding('utf8').on('data', (d: string) => {
    err = (err + d).slice(-65536);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => {
      children.delete(proc);
      resolve({ code, signal });
    }),
  );
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${timeoutMs} ms\n${err}`)), timeoutMs);
    void exited.then(({ code, signal }) => reject(new Error(`${name} exited (${code ?? signal}) before it was ready\n${out}\n${err}`)));
    proc.stdout.setEncoding('utf8').on('data', (d: string) => {
      if (out.length < 65536) out += d;
      const m = opts.ready?.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    if (opts.probePort !== undefined) {
      const port = opts.probePort;
      void (async () => {
        while (proc.exitCode === null) {
          if (await canConnect(port)) {
            clearTimeout(timer);
            return resolve(`http://127.0.0.1:${port}`);
          }
          await sleep(100);
        }
      })();
    }
  });
  const kill = async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    await exited;
  };
  return {
    name,
    proc,
    pid: proc.pid!,
    url,
    stderr: () => err,
    exited,
    kill,
    async stop(graceMs = 5000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(t);
    },
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** A free loopback port (for children that cannot take port 0 and report it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** The mock services as a user runs them: the real CLI, `serve`, on loopback, port 0. */
export function serveMocks(opts: { data?: string; controlToken: string; journalLimit?: number; nodeArgs?: string[]; cli?: string }): Promise<Child> {
  const args = [opts.cli ?? CLI, 'serve', '--port', '0', '--host', '127.0.0.1', '--dataset', 'empty', '--control-token', opts.controlToken];
  if (opts.data) args.push('--data', opts.data);
  if (opts.journalLimit !== undefined) args.push('--journal-limit', String(opts.journalLimit));
  return spawnNode('ics-conformance serve', args, {
    ready: /ContactPoint\s+(http:\/\/[^\s/]+)/,
    ...(opts.nodeArgs ? { nodeArgs: opts.nodeArgs } : {}),
  });
}

export interface Memory {
  /** Resident set now, bytes. */
  rss: number;
  /** Peak resident set since the process started (VmHWM), bytes. */
  hwm: number;
}

/**
 * CPU time a process and its descendants have used so far, user and system, in microseconds (every
 * thread: GC helpers and the checkpoint worker count; so does a server that forks, as Prism's CLI
 * does), from /proc (Linux); undefined elsewhere.
 */
export function cpuTimeUs(pid: number): number | undefined {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  try {
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      } catch {
        continue; // gone since the listing
      }
      // After the command name (which may hold spaces): state, ppid, ... utime and stime are the 12th and 13th.
      const f = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
      stats.set(Number(name), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
    }
  } catch {
    return undefined;
  }
  if (!stats.has(pid)) return undefined;
  let ticks = 0;
  const tree = new Set([pid]);
  // Parents before children is not guaranteed by the listing: repeat until nothing is added.
  for (let grew = true; grew;) {
    grew = false;
    for (const [p, st] of stats) {
      if (tree.has(p) || !tree.has(st.ppid)) continue;
      tree.add(p);
      grew = true;
    }
  }
  for (const p of tree) ticks += stats.get(p)!.ticks;
  return (ticks * 1e6) / CLOCK_TICKS;
}
/** USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK). */
const CLOCK_TICKS = 100;

/** Reads a process's memory from /proc (Linux). */
export function memoryOf(pid: number): Memory | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return undefined;
  }
}
