/**
 * One server per --data file (issue #17): two `serve` processes on one file both started and handed
 * out the same ContactPoint IDs to different children. The second now refuses, naming the file.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../src/platform/store.js';
import { startServer } from '../../src/mock-server/server.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ics-lock-'));
  file = join(dir, 'session.sqlite');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the data file lock', () => {
  it('a second store on a file in use is refused with an error naming the file; once closed it opens', () => {
    const first = new Store(file);
    try {
      expect(() => new Store(file)).toThrow(`${file} is in use by another server (process ${process.pid})`);
    } finally {
      first.close();
    }
    expect(existsSync(`${file}.lock`)).toBe(false);
    new Store(file).close();
  });

  it('a file held by another live process is refused', () => {
    // The parent of this test process is alive and is not this process.
    writeFileSync(`${file}.lock`, String(process.ppid));
    expect(() => new Store(file)).toThrow(`process ${process.ppid}`);
  });

  it('a lock left by a process that died (kill -9) is taken over', () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(`${file}.lock`, dead.stdout);
    const store = new Store(file);
    store.close();
  });

  it('a second server on the same --data file does not start, and the first keeps serving', async () => {
    const one = await startServer({ port: 0, data: file, demoSession: true, controlToken: 'ctl' });
    try {
      await expect(startServer({ port: 0, data: file, demoSession: true, controlToken: 'ctl' })).rejects.toThrow(file);
      expect((await fetch(`${one.url}/health`)).status).toBe(200);
    } finally {
      await one.close();
    }
  });
});
