/**
 * The evidence bundle of a full demo run: every reporter's output, a manifest that `verify` accepts,
 * and any change (one byte of any file, a file removed or added, a wrong key) that makes it fail.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { readFile, writeFile, rm, readdir } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync, execFileSync } from 'node:child_process';
import { runDemo } from '../../src/harness/app/demo.js';
import type { RunResult } from '../../src/harness/model/result.js';
import { manifestText, writeRunDirectory, MANIFEST_FILE, type Manifest } from '../../src/harness/evidence/bundle.js';
import { verifyBundle } from '../../src/harness/evidence/verify.js';
import { generateSigningKeys, loadPrivateKey, loadPublicKey, SIGNATURE_FILE } from '../../src/harness/evidence/signing.js';
import { validator } from '../../src/platform/validate.js';
import { RunResultSchema } from '../../src/harness/model/result-schema.js';
import { buildJournal, verifyJournal } from '../../src/harness/evidence/journal.js';
import { main } from '../../src/cli/main.js';
import { copyDir, fileReporters, quiet, tempDir } from './support.js';

const keys = generateSigningKeys();
const publicKey = loadPublicKey(keys.publicKey);
let dir: string;
let result: RunResult;
let manifest: Manifest;

beforeAll(async () => {
  result = await runDemo();
  dir = join(await tempDir('bundle'), 'demo');
  const written = await writeRunDirectory(result, await fileReporters(), dir, { signKey: loadPrivateKey(keys.privateKey) });
  manifest = written.manifest;
}, 180_000);

/** Flips one byte of a file in a copy of the bundle. */
async function flipByte(file: string, at = 0.5): Promise<string> {
  const copy = await copyDir(dir, 'tamper');
  const path = join(copy, file);
  const bytes = await readFile(path);
  const i = Math.floor((bytes.length - 1) * at);
  bytes[i] = bytes[i]! ^ 0x01;
  await writeFile(path, bytes);
  return copy;
}

describe('demo run directory', () => {
  it("holds every reporter's output and the evidence files", async () => {
    const files = (await readdir(dir)).sort();
    expect(files).toEqual(
      [
        'catalogue.json',
        'harness.json',
        'journal.ndjson',
        'junit.xml',
        MANIFEST_FILE,
        SIGNATURE_FILE,
        'report.html',
        'results.json',
        'results.schema.json',
        'statement.json',
        'summary.md',
      ].sort(),
    );
    expect(manifest.files.map((f) => f.path)).toEqual(files.filter((f) => f !== MANIFEST_FILE && f !== SIGNATURE_FILE));
    const harness = JSON.parse(await readFile(join(dir, 'harness.json'), 'utf8'));
    expect(harness).toMatchObject({ name: 'ics-conformance', catalogueVersion: result.catalogueVersion, resultSchemaVersion: result.schemaVersion });
    expect(JSON.parse(await readFile(join(dir, 'statement.json'), 'utf8')).vendor).toBe(result.statement.vendor);
  });

  it('writes a results.json that validates against the RunResult schema', async () => {
    const json = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8'));
    const v = validator(RunResultSchema);
    expect(v(json), JSON.stringify(v.errors?.slice(0, 5), null, 1)).toBe(true);
    expect(json.summary.verdict).toBe('pass');
    expect(json.privacy).toEqual({ scanned: expect.any(Number), findings: [] });
    // The schema shipped in the bundle is the same schema.
    const shipped = JSON.parse(await readFile(join(dir, 'results.schema.json'), 'utf8'));
    expect(shipped.title).toBe('RunResult');
  });

  it('masks every credential: the tokens given to the SUT appear nowhere in the result or the bundle', async () => {
    const token = /\b(?:ics|ctl)_[A-Za-z0-9_-]{16,}/;
    expect(JSON.stringify(result)).not.toMatch(token);
    // The rotation in SEC-AUTH-001 reconfigures the SUT with a fresh token: the evidence shows the call, not the secret.
    const configure = result.tests.flatMap((t) => t.exchanges).find((e) => e.url.endsWith('/configuration'));
    expect((configure?.requestBody as any)?.contactPoint?.token).toBe('***');
    for (const f of manifest.files) {
      const text = await readFile(join(dir, f.path), 'utf8');
      expect(text, f.path).not.toMatch(token);
    }
  });

  it('chains the journal: one line per exchange, each hash over the previous one', async () => {
    const text = await readFile(join(dir, 'journal.ndjson'), 'utf8');
    const chain = verifyJournal(text);
    expect(chain.ok).toBe(true);
    expect(chain.entries).toBe(result.tests.reduce((n, t) => n + t.exchanges.length, 0));
    expect(chain.head).toBe(manifest.journal.head);
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[1].prevHash).toBe(lines[0].hash);
    // Dropping a line breaks the chain even where the manifest is not consulted.
    expect(verifyJournal([lines[0], lines[2]].map((l) => JSON.stringify(l)).join('\n')).ok).toBe(false);
    expect(buildJournal(JSON.parse(await readFile(join(dir, 'results.json'), 'utf8'))).head).toBe(chain.head);
  });

  it('is accepted by verify, with the right public key', async () => {
    const report = await verifyBundle(dir, { publicKey });
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, signature: 'valid', keyId: keys.keyId });
  });
});

describe('verify rejects a changed bundle', () => {
  it('when one byte of any file changes', async () => {
    const files = [...manifest.files.map((f) => f.path), MANIFEST_FILE, SIGNATURE_FILE];
    for (const f of files) {
      const copy = await flipByte(f);
      const report = await verifyBundle(copy, { publicKey });
      expect(report.ok, `flipping a byte of ${f}`).toBe(false);
      if (f !== MANIFEST_FILE && f !== SIGNATURE_FILE) expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'changed', path: f }));
      await rm(copy, { recursive: true, force: true });
    }
  });

  it("when one byte of an unsigned bundle's manifest changes, on any line of it", async () => {
    const unsigned = await copyDir(dir, 'unsigned-base');
    await rm(join(unsigned, SIGNATURE_FILE));
    const path = join(unsigned, MANIFEST_FILE);
    const original = await readFile(path);
    // One byte in the middle of each line: every field, key or value, and the structure around it.
    const positions: number[] = [];
    for (let start = 0; start < original.length;) {
      const end = original.indexOf(0x0a, start);
      const stop = end < 0 ? original.length : end;
      positions.push(start + Math.floor((stop - start) / 2));
      start = stop + 1;
    }
    for (const i of positions) {
      const bytes = Buffer.from(original);
      bytes[i] = bytes[i]! ^ 0x01;
      await writeFile(path, bytes);
      expect((await verifyBundle(unsigned)).ok, `byte ${i} of the manifest (${JSON.stringify(String.fromCharCode(original[i]!))})`).toBe(false);
      await writeFile(path, original);
    }
    expect((await verifyBundle(unsigned)).ok).toBe(true);
  });

  it('when a file is removed, or one is added', async () => {
    for (const f of manifest.files.map((x) => x.path)) {
      const copy = await copyDir(dir, 'removed');
      await rm(join(copy, f));
      const report = await verifyBundle(copy, { publicKey });
      expect(report.ok, `removing ${f}`).toBe(false);
      expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'removed', path: f }));
    }
    const copy = await copyDir(dir, 'added');
    await writeFile(join(copy, 'notes.txt'), 'added later\n');
    expect((await verifyBundle(copy)).problems).toContainEqual(expect.objectContaining({ kind: 'added', path: 'notes.txt' }));
  });

  it('when the manifest is rewritten to match a changed file but the signature is not', async () => {
    const copy = await copyDir(dir, 'forged');
    const results = JSON.parse(await readFile(join(copy, 'results.json'), 'utf8'));
    results.tests[0].title += ' (edited after the run)';
    const text = JSON.stringify(results, null, 2) + '\n';
    await writeFile(join(copy, 'results.json'), text);
    const m = JSON.parse(await readFile(join(copy, MANIFEST_FILE), 'utf8')) as Manifest;
    const { sha256 } = await import('../../src/harness/evidence/hash.js');
    m.files = m.files.map((f) => (f.path === 'results.json' ? { ...f, sha256: sha256(text), bytes: Buffer.byteLength(text) } : f));
    await writeFile(join(copy, MANIFEST_FILE), manifestText(m));
    const report = await verifyBundle(copy, { publicKey });
    expect(report.ok).toBe(false);
    // The reports no longer agree with the edited results, and the signature no longer with the manifest.
    // (summary.md names only failing tests, so a title does not show there.)
    expect(report.problems.map((p) => `${p.kind} ${p.path}`)).toEqual(['derived report.html', 'derived junit.xml', 'signature manifest.sig']);
    // Without a trusted key the signature still no longer matches the manifest it came with.
    expect((await verifyBundle(copy)).signature).toBe('invalid');
  });

  it('with a wrong public key, or a missing signature when a key is given', async () => {
    const other = loadPublicKey(generateSigningKeys().publicKey);
    const wrong = await verifyBundle(dir, { publicKey: other });
    expect(wrong.ok).toBe(false);
    expect(wrong.signature).toBe('invalid');
    const copy = await copyDir(dir, 'unsigned');
    await rm(join(copy, SIGNATURE_FILE));
    const missing = await verifyBundle(copy, { publicKey });
    expect(missing).toMatchObject({ ok: false, signature: 'missing' });
    // Unsigned and no key asked for: intact.
    expect(await verifyBundle(copy)).toMatchObject({ ok: true, signature: 'unsigned' });
  });
});

describe('ics-conformance verify (CLI exit codes)', () => {
  // The CLI runs dist/ (built by `npm ci` in CI): rebuild when it is missing or older than the sources it runs.
  beforeAll(() => {
    const sources = [
      'src/cli/commands/verify.ts',
      'src/harness/evidence/verify.ts',
      'src/harness/model/result-schema.ts',
      'src/harness/evidence/bundle.ts',
      'src/harness/evidence/journal.ts',
      'src/harness/evidence/signing.ts',
      'src/harness/evidence/hash.ts',
    ];
    const stale = sources.some((src) => {
      const built = join('dist', src.replace(/\.ts$/, '.js'));
      return !existsSync(built) || statSync(built).mtimeMs < statSync(src).mtimeMs;
    });
    if (stale) execFileSync('npm', ['run', 'build'], { stdio: 'ignore' });
  }, 180_000);

  const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/ics-conformance.js', ...args], { encoding: 'utf8', timeout: 60_000 });

  it('the real CLI exits 0 when intact and signed by the given key, 1 on a changed file', async () => {
    const keyDir = await tempDir('keys');
    await writeFile(join(keyDir, 'good.pub.pem'), keys.publicKey);
    const ok = cli('verify', dir, '--public-key', join(keyDir, 'good.pub.pem'));
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toContain('VERIFIED: every file matches the manifest, and a trusted key signed it.');
    const tampered = await flipByte('report.html', 0.9);
    const bad = cli('verify', tampered);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('report.html was changed');
  });

  it('exits 1 on a wrong key, 2 on a directory that is not there (in-process CLI)', async () => {
    const keyDir = await tempDir('keys');
    await writeFile(join(keyDir, 'other.pub.pem'), generateSigningKeys().publicKey);
    expect(await quiet(() => main(['verify', dir, '--public-key', join(keyDir, 'other.pub.pem')]))).toBe(1);
    expect(await quiet(() => main(['verify', join(keyDir, 'no-such-dir')]))).toBe(2);
  });

  it('keygen writes a key pair that signs (in-process CLI: keygen, then verify --json)', async () => {
    const keyDir = await tempDir('keygen');
    expect(await quiet(() => main(['keygen', '--out', keyDir]))).toBe(0);
    const pem = await readFile(join(keyDir, 'ics-signing-key.pem'), 'utf8');
    expect(pem).toContain('PRIVATE KEY');
    expect(await quiet(() => main(['keygen', '--out', keyDir]))).toBe(2); // no silent overwrite
    const signed = join(await tempDir('resigned'), 'run');
    await writeRunDirectory(result, await fileReporters(), signed, { signKey: loadPrivateKey(pem) });
    let out = '';
    expect(
      await quiet(
        () => main(['verify', signed, '--public-key', join(keyDir, 'ics-signing-key.pub.pem'), '--json']),
        (s) => (out += s),
      ),
    ).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ ok: true, signature: 'valid', problems: [] });
  });
});

describe('the run directory as --out', () => {
  it('is refused when it holds files of its own (before any run starts), and an earlier run in it is replaced', async () => {
    const foreign = await tempDir('foreign');
    await writeFile(join(foreign, 'thesis.docx'), 'not evidence');
    await expect(writeRunDirectory(result, [], foreign)).rejects.toThrow(/not from an ics-conformance run \(thesis\.docx\)/);
    expect(await quiet(() => main(['demo', '--out', foreign]))).toBe(2);
    const again = await copyDir(dir, 'again');
    await writeRunDirectory(result, await fileReporters(), again); // unsigned this time: the old signature goes too
    expect(existsSync(join(again, SIGNATURE_FILE))).toBe(false);
    expect(await verifyBundle(again)).toMatchObject({ ok: true, signature: 'unsigned' });
  });
});
