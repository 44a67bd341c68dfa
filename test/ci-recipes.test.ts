/**
 * docs/ci.md's recipes as a CI system would run them: the YAML is valid against each system's
 * published schema (GitHub's workflow parser, GitLab's ci.json), every harness flag they use exists, an empty --sign-key is a usage error, and the
 * baseline steps run as shell scripts (real CLI, stubbed gh/curl) on a first run with no
 * accredited baseline and on a second run against one.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { register } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { main } from '../src/cli/main.js';
import { BIN, ensureBuilt, ROOT } from './support/build.js';
import { startReferenceIcs, type RunningReferenceIcs } from '../reference-ics/app.js';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

const md = readFileSync(join(ROOT, 'docs/ci.md'), 'utf8');
const blocks = (lang: string) => [...md.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
const [github, gitlab] = blocks('yaml').map((y) => parse(y));
const [githubYaml, gitlabYaml] = blocks('yaml');
const githubSteps: Array<{ name?: string; run?: string; if?: string }> = github.jobs.conformance.steps;
const gitlabScript: string[] = gitlab['ics-conformance'].script;

/** Every `ics-conformance <command> ...` in the page's shell, with continuation lines joined. */
function invocations(): Array<{ command: string; flags: string[] }> {
  const inline = [...md.matchAll(/`(npx ics-conformance [^`]+)`/g)].map((m) => m[1]!);
  const shell = [...blocks('sh'), ...inline, ...githubSteps.map((s) => s.run ?? ''), ...gitlabScript].join('\n').replace(/\\\n/g, ' ');
  return [...shell.matchAll(/ics-conformance (\w[\w-]*)([^\n]*)/g)].map((m) => ({
    command: m[1]!,
    flags: [...m[2]!.matchAll(/(?:^|\s)--([a-z][a-z-]*)/g)].map((f) => f[1]!),
  }));
}

let tmp: string;
let bin: string;
beforeAll(async () => {
  await ensureBuilt();
  tmp = mkdtempSync(join(tmpdir(), 'ics-ci-'));
  bin = join(tmp, 'bin');
  mkdirSync(bin);
  // npx ics-conformance ... -> this checkout's CLI.
  writeFileSync(join(bin, 'npx'), `#!/bin/sh\n[ "$1" = ics-conformance ] || exit 127\nshift\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  // gh: a release "accredited" exists when $FAKE_RELEASE names a folder holding its assets.
  writeFileSync(
    join(bin, 'gh'),
    `#!/bin/sh
[ "$1 $2 $3" = "release view accredited" ] && { [ -n "$FAKE_RELEASE" ] && exit 0; echo "release not found" >&2; exit 1; }
if [ "$1 $2 $3" = "release download accredited" ]; then
  dir=.; while [ $# -gt 0 ]; do [ "$1" = --dir ] && dir=$2; shift; done
  mkdir -p "$dir" && cp "$FAKE_RELEASE"/results.json "$FAKE_RELEASE"/catalogue.json "$dir"/ && exit 0
fi
echo "gh stub: unexpected $*" >&2; exit 2
`,
  );
  // curl: the artifacts download answers 404, or 200 with $FAKE_ARTIFACTS (a zip) written to -o;
  // any other call (the test build's readiness probe) is the real curl's.
  writeFileSync(
    join(bin, 'curl'),
    `#!/bin/sh
case "$*" in *jobs/artifacts/*) ;; *) exec /usr/bin/curl "$@" ;; esac
out=; while [ $# -gt 0 ]; do [ "$1" = -o ] && out=$2; shift; done
if [ -n "$FAKE_ARTIFACTS" ]; then cp "$FAKE_ARTIFACTS" "$out"; printf 200; else printf '{"message":"404 Not found"}' > "$out"; printf 404; fi
`,
  );
  // npm ci: the job's checkout already has its dependencies (this repository's).
  writeFileSync(join(bin, 'npm'), `#!/bin/sh\n[ "$1" = ci ] && exit 0\necho "npm stub: unexpected $*" >&2; exit 2\n`);
  for (const f of ['npx', 'gh', 'curl', 'npm']) chmodSync(join(bin, f), 0o755);
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** As sh, without blocking this process: for scripts that call servers running in it. */
function shAsync(script: string, cwd: string, env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn('bash', ['-e', '-c', script], { cwd, env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, FORCE_COLOR: '0', ...env } });
    let out = '';
    p.stdout.on('data', (d: Buffer) => void (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => void (out += d.toString()));
    p.on('close', (code) => resolve({ code, out }));
  });
}

function sh(script: string, cwd: string, env: Record<string, string>) {
  const r = spawnSync('bash', ['-e', '-c', script], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, FORCE_COLOR: '0', ...env },
  });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe('docs/ci.md', () => {
  it('has a GitHub Actions workflow and a GitLab CI job in the shape each system reads', () => {
    expect(Object.keys(github.on)).toEqual(['pull_request', 'push']);
    expect(github.jobs.conformance['runs-on']).toBe('ubuntu-latest');
    for (const step of githubSteps) expect(Boolean(step.run) !== Boolean((step as any).uses), step.name).toBe(true);
    expect(gitlab['ics-conformance'].artifacts.when).toBe('always');
    expect(gitlabScript.every((line) => typeof line === 'string')).toBe(true);
  });

  it('uses only harness flags that exist', () => {
    const calls = invocations();
    expect(calls.map((c) => c.command)).toEqual(expect.arrayContaining(['run', 'verify', 'diff', 'serve', 'keygen']));
    const help = new Map<string, string>();
    for (const { command, flags } of calls) {
      if (!help.has(command)) help.set(command, execFileSync(process.execPath, [BIN, command, '--help'], { encoding: 'utf8' }));
      for (const flag of flags) expect(help.get(command), `ics-conformance ${command} --${flag}`).toContain(`--${flag}`);
    }
    // What a containerised test build needs to reach the mocks.
    expect(calls.find((c) => c.command === 'run' && c.flags.includes('public-url'))?.flags).toEqual(
      expect.arrayContaining(['mock-host', 'mock-port', 'public-url']),
    );
    expect(calls.find((c) => c.command === 'serve')?.flags).toContain('host');
  });

  it('GitLab fetches the baseline after the harness has run, and GitHub compares whatever the run did', () => {
    const runAt = gitlabScript.findIndex((l) => l.includes('ics-conformance run'));
    const fetchAt = gitlabScript.findIndex((l) => l.includes('jobs/artifacts/accredited'));
    expect(runAt).toBeGreaterThan(-1);
    expect(fetchAt).toBeGreaterThan(runAt);
    expect(githubSteps.find((s) => s.name === 'Compare with the last accredited run')?.if).toBe('always()');
  });
});

describe("the CI systems' published schemas", () => {
  /** GitHub's own workflow parser (the one behind its editor support): the errors it reports for a workflow. */
  async function githubErrors(yaml: string): Promise<string[]> {
    // It imports its schema as `import x from "./workflow-v1.0.min.json"`, which only a bundler resolves.
    register(new URL('./support/json-modules.mjs', import.meta.url));
    const { parseWorkflow, NoOperationTraceWriter } = await import('@actions/workflow-parser');
    return parseWorkflow({ name: 'ics-accreditation.yml', content: yaml }, new NoOperationTraceWriter())
      .context.errors.getErrors()
      .map((e) => e.message);
  }

  /** GitLab's schema for .gitlab-ci.yml (test/fixtures/ci-schemas). */
  function gitlabErrors(config: unknown): string[] {
    const ajv = new Ajv({ strict: false, allErrors: true });
    (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
    ajv.addFormat('regex', true);
    const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'test/fixtures/ci-schemas/gitlab-ci.json'), 'utf8')) as object);
    return validate(config) ? [] : (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath} ${e.message}`);
  }

  it("the GitHub Actions workflow is valid to GitHub's workflow parser, which does refuse a broken copy", async () => {
    expect(await githubErrors(githubYaml!)).toEqual([]);
    const broken = githubYaml!.replace('runs-on: ubuntu-latest', 'runs_on: ubuntu-latest').replace('timeout-minutes: 30', 'timeout-minutes: soon');
    const errors = await githubErrors(broken);
    expect(errors.join('\n')).toContain("Unexpected value 'runs_on'");
    expect(errors.join('\n')).toContain("Unexpected value 'soon'");
  });

  it("the GitLab CI job is valid against GitLab's schema, which does refuse a broken copy", () => {
    expect(gitlabErrors(parse(gitlabYaml!))).toEqual([]);
    const broken = parse(gitlabYaml!) as Record<string, any>;
    broken['ics-conformance'].artifacts.when = 'sometimes';
    broken['ics-conformance'].scripts = broken['ics-conformance'].script;
    expect(gitlabErrors(broken)).toEqual(
      expect.arrayContaining([
        '/ics-conformance must NOT have additional properties',
        '/ics-conformance/artifacts/when must be equal to one of the allowed values',
      ]),
    );
  });
});

describe('the baseline steps, first run and second run', () => {
  let run: string;
  beforeAll(() => {
    // A real run directory (results.json, catalogue.json ...), as `run --out` leaves it.
    const r = spawnSync(process.execPath, [BIN, 'demo', '--out', join(tmp, 'work/reports/accreditation')], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    run = join(tmp, 'work/reports/accreditation');
  }, 120_000);

  const githubCompare = () => githubSteps.find((s) => s.name === 'Compare with the last accredited run')!.run!;
  const gitlabCompare = () => ['code=0', gitlabScript.find((l) => l.includes('jobs/artifacts/accredited'))!, 'exit $code'].join('\n');

  it('GitHub: with no accredited release the step passes and says it skipped the comparison', () => {
    const r = sh(githubCompare(), join(tmp, 'work'), { OUT: 'reports/accreditation', FAKE_RELEASE: '' });
    expect(r.out).toContain("No 'accredited' release yet: skipping the comparison");
    expect(r.code).toBe(0);
  });

  it('GitHub: against an accredited release the step runs diff on it', () => {
    const release = join(tmp, 'release');
    mkdirSync(release, { recursive: true });
    for (const f of ['results.json', 'catalogue.json']) cpSync(join(run, f), join(release, f));
    const r = sh(githubCompare(), join(tmp, 'work'), { OUT: 'reports/accreditation', FAKE_RELEASE: release });
    expect(r.out).not.toContain('skipping');
    expect(r.out).toMatch(/regress/i);
    expect(r.code).toBe(0);
    expect(existsSync(join(tmp, 'work/baseline/results.json'))).toBe(true);
  });

  it("GitLab: with no accredited artifacts (404) the job keeps the run's code and says it skipped", () => {
    const r = sh(gitlabCompare(), join(tmp, 'work'), { OUT: 'reports/accreditation', FAKE_ARTIFACTS: '' });
    expect(r.out).toContain('No accredited run yet: skipping the comparison');
    expect(r.code).toBe(0);
  });

  it('GitLab: against accredited artifacts the job unzips them and runs diff', () => {
    const zip = join(tmp, 'artifacts.zip');
    execFileSync('zip', ['-q', '-r', zip, 'reports/accreditation'], { cwd: join(tmp, 'work') });
    rmSync(join(tmp, 'work/baseline'), { recursive: true, force: true });
    const r = sh(gitlabCompare(), join(tmp, 'work'), { OUT: 'reports/accreditation', FAKE_ARTIFACTS: zip });
    expect(r.out).not.toContain('skipping');
    expect(r.out).toMatch(/regress/i);
    expect(r.code).toBe(0);
    expect(existsSync(join(tmp, 'work/baseline/catalogue.json'))).toBe(true);
  });
});

describe('the GitLab job, every line of its script, against the reference ICS', () => {
  let sut: RunningReferenceIcs;
  beforeAll(async () => {
    sut = await startReferenceIcs({ port: 0 });
  });
  afterAll(() => sut.close());

  it('first run: no accredited artifacts yet, the job passes and says so; second run: diffed against the first', async () => {
    const work = join(tmp, 'gitlab');
    mkdirSync(work);
    execFileSync(process.execPath, [BIN, 'keygen', '--out', join(work, 'keys')], { encoding: 'utf8' });
    // The reference ICS's identity (decision 0012), one capability to keep the run short; the job gives the driver URL.
    writeFileSync(
      join(work, 'ics-conformance.yml'),
      'vendor: ics-conformance project\nproduct: Reference ICS\nversion: 1.0.0\nsourceSystemType: ics\ncapabilities: [contactpoint-feed]\n' +
        ('deselect: [CP-FEED-011.initial-load]\ntimeouts: { messageMs: 2000, giveUpMs: 3000, quietMs: 100, ' +
          'sutRequestMs: 1000 }\nattestations:\n  - { requirement: SEC-TLS-001, answer: yes, by: Test }\n'),
    );
    // As the job has it, but for the service alias "build" and the fixed port (other jobs on this machine may hold 4010).
    const port = await freePort();
    const script = gitlabScript
      .join('\n')
      .replace(/http:\/\/build:4010/g, `http://127.0.0.1:${port}`)
      .replace(/--mock-port 4010/g, `--mock-port ${port}`);
    expect(script).toContain('ics-conformance run');
    const env = {
      ...Object.fromEntries(Object.entries(gitlab['ics-conformance'].variables as Record<string, string>)),
      ICS_SUT_URL: sut.url,
      ICS_SIGNING_KEY: join(work, 'keys/ics-signing-key.pem'),
      CI_API_V4_URL: 'https://gitlab.test/api/v4',
      CI_PROJECT_ID: '7',
      CI_JOB_TOKEN: 'job-token',
      CI_MERGE_REQUEST_IID: '',
    };
    // The reference ICS runs in this process: the script must not block it (spawnSync would).
    const first = await shAsync(script, work, { ...env, FAKE_ARTIFACTS: '' });
    expect(first.out).toContain('No accredited run yet: skipping the comparison');
    expect(first.code, first.out).toBe(0);
    expect(existsSync(join(work, 'reports/accreditation/results.json'))).toBe(true);
    // Accredited: this job's artifacts on the tag. The next run fetches them after it has run, and diffs.
    const zip = join(tmp, 'gitlab-artifacts.zip');
    execFileSync('zip', ['-q', '-r', zip, 'reports/accreditation'], { cwd: work });
    const second = await shAsync(script, work, { ...env, FAKE_ARTIFACTS: zip });
    expect(second.out).not.toContain('skipping');
    expect(second.out).toMatch(/regress/i);
    expect(second.code, second.out).toBe(0);
    expect(existsSync(join(work, 'baseline/results.json'))).toBe(true);
  }, 240_000);
});

describe('serve for a system in another container', () => {
  it('--host 0.0.0.0 --public-url: listens on every interface and prints the URLs as the system reaches them', async () => {
    const proc = spawn(process.execPath, [BIN, 'serve', '--host', '0.0.0.0', '--port', '0', '--public-url', 'http://harness:4010/', '--count', '5'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      await new Promise<void>((resolve, reject) => {
        proc.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('Ctrl-C to stop.')) resolve();
        });
        proc.on('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
      });
      const port = /listening on http:\/\/0\.0\.0\.0:(\d+), reached at http:\/\/harness:4010\n/.exec(out)?.[1];
      expect(port, out).toBeDefined();
      expect(out).toContain('  ContactPoint   http://harness:4010/contactpoint/v1\n');
      expect(out).toContain('  Docs           http://harness:4010/docs   OpenAPI http://harness:4010/openapi.json\n');
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    } finally {
      proc.kill('SIGTERM');
    }
  });

  it('a --public-url that is not an absolute http(s) URL is a usage error (exit 2)', () => {
    const r = spawnSync(process.execPath, [BIN, 'serve', '--port', '0', '--public-url', 'harness:4010'], { encoding: 'utf8', timeout: 20_000 });
    expect(r.stderr).toContain('--public-url "harness:4010" is not an absolute http(s) URL');
    expect(r.status).toBe(2);
  });
});

describe('--sign-key', () => {
  it('an empty --sign-key "" (an unset secret) is a usage error, exit 2, before anything runs', async () => {
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void errors.push(a.join(' ')));
    const out = join(tmp, 'unsigned');
    try {
      expect(await main(['run', '--sut', 'http://127.0.0.1:9', '--out', out, '--sign-key', ''])).toBe(2);
      expect(await main(['demo', '--out', out, '--sign-key', '  '])).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(errors.join('\n')).toContain('--sign-key is empty');
    expect(existsSync(out)).toBe(false);
  });
});
