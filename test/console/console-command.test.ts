/** `ics-conformance console`: the real CLI serves the console beside the mocks, behind the control token. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureBuilt, BIN, ROOT } from '../support/build.js';

let proc: ChildProcess | undefined;

beforeAll(async () => {
  await ensureBuilt();
}, 180_000);

afterAll(() => {
  proc?.kill('SIGKILL');
});

it('console --port 0 prints the console URL and the token, serves the page and the mocks, and stops on SIGTERM', async () => {
  const runs = join(await mkdtemp(join(tmpdir(), 'ics-console-cli-')), 'runs');
  proc = spawn(process.execPath, [BIN, 'console', '--port', '0', '--control-token', 'cli-console-token', '--runs', runs], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    proc!.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  for (const deadline = Date.now() + 15_000; !out.includes('Ctrl-C'); await sleep(50))
    if (Date.now() > deadline) throw new Error(`console did not start:\n${out}`);
  const url = /Console\s+(http:\/\/127\.0\.0\.1:\d+)\/console\b/.exec(out)?.[1];
  expect(url, out).toBeDefined();
  expect(out).toContain('Control token  cli-console-token');
  const page = await fetch(`${url}/console/`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<script src="/console/console.js" defer></script>');
  expect((await fetch(`${url}/console/api/sessions`)).status).toBe(401);
  const login = await fetch(`${url}/console/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: 'cli-console-token' }),
  });
  expect(login.status).toBe(204);
  const sessions = (await (
    await fetch(`${url}/console/api/sessions`, { headers: { cookie: login.headers.get('set-cookie')!.split(';')[0]! } })
  ).json()) as { sessions: Array<{ id: string }> };
  expect(sessions.sessions.map((s) => s.id)).toContain('default');
  // The mocks are still the mocks, on the same port.
  expect((await fetch(`${url}/contactpoint/v1/source-records/none`, { headers: { authorization: 'Bearer demo-ics' } })).status).toBe(404);
  proc.kill('SIGTERM');
  expect(await Promise.race([exited, sleep(10_000).then(() => 'still running')])).toEqual({ code: 0, signal: null });
  proc = undefined;
}, 60_000);
