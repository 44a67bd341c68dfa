/**
 * Forgeries of an evidence bundle (issue #15), each rejected by verify (exit 1), or, where only a
 * signature could tell, reported as intact with the signer unverified (exit 4). Exit codes: docs/evidence.md.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runDemo } from '../../src/harness/app/demo.js';
import type { RunResult } from '../../src/harness/model/result.js';
import { manifestText, writeRunDirectory, MANIFEST_FILE, type Manifest } from '../../src/harness/evidence/bundle.js';
import { generateSigningKeys, loadPrivateKey, SIGNATURE_FILE } from '../../src/harness/evidence/signing.js';
import { jcs, sha256 } from '../../src/harness/evidence/hash.js';
import { htmlReport } from '../../src/harness/reporters/html.js';
import { markdownSummary } from '../../src/harness/reporters/markdown.js';
import { junitXml } from '../../src/harness/reporters/junit.js';
import { main } from '../../src/cli/main.js';
import { copyDir, fileReporters, quickStatement, quickSuites, quiet, tempDir } from '../reports/support.js';

const lab = generateSigningKeys(); // the accreditation pipeline's key
const mallory = generateSigningKeys(); // anyone else's
let keyDir: string;
let genuine: string; // a signed, failing run
let result: RunResult;

/** A run that genuinely failed: its first test FAILED (what a forger wants to turn into a PASS). */
function failing(r: RunResult): RunResult {
  const out = structuredClone(r);
  out.tests[0]!.status = 'FAILED';
  out.tests[0]!.reason = 'CP-FEED-003: identifiers dropped';
  out.summary = { ...out.summary, PASSED: out.summary.PASSED - 1, FAILED: 1, verdict: 'fail', label: 'FAIL', exitCode: 1 };
  return out;
}

async function verify(dir: string, ...args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await quiet(
    () => main(['verify', dir, ...args]),
    (s) => (out += s),
  );
  return { code, out };
}

/** Rewrites the manifest's entries for the files given (as a forger without the key can). */
async function rehash(dir: string, files: string[]): Promise<void> {
  const m = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as Manifest;
  for (const f of files) {
    const bytes = await readFile(join(dir, f));
    m.files = m.files.map((e) => (e.path === f ? { ...e, sha256: sha256(bytes), bytes: bytes.byteLength } : e));
  }
  await writeFile(join(dir, MANIFEST_FILE), manifestText(m));
}

beforeAll(async () => {
  keyDir = await tempDir('forgery-keys');
  await writeFile(join(keyDir, 'lab.pub.pem'), lab.publicKey);
  await writeFile(join(keyDir, 'mallory.pub.pem'), mallory.publicKey);
  // A trusted-keys file as an accreditation body keeps it: several keys, with comments between.
  await writeFile(join(keyDir, 'trusted.pem'), `# accreditation body, 2026\n${generateSigningKeys().publicKey}\n# CI pipeline\n${lab.publicKey}`);
  result = failing(await runDemo({ suites: quickSuites(), statement: quickStatement() }));
  genuine = join(await tempDir('forgery'), 'run');
  await writeRunDirectory(result, await fileReporters(), genuine, { signKey: loadPrivateKey(lab.privateKey) });
}, 120_000);

const TRUSTED = () => ['--trusted-keys', join(keyDir, 'trusted.pem')];

describe('the genuine bundle', () => {
  it('is VERIFIED (exit 0) with a trusted key, and intact but UNVERIFIED (exit 4) without one', async () => {
    expect((await verify(genuine, ...TRUSTED())).code).toBe(0);
    expect((await verify(genuine, '--public-key', join(keyDir, 'lab.pub.pem'))).code).toBe(0);
    const bare = await verify(genuine);
    expect(bare.code).toBe(4);
    expect(bare.out).toMatch(/INTACT, SIGNER UNVERIFIED/);
    expect(bare.out).toMatch(/not a trusted key/);
  });
});

describe('forgeries', () => {
  it('results.json flipped to PASS (only the verdict), manifest recomputed: NOT INTACT, the summary disagrees with the tests', async () => {
    const copy = await copyDir(genuine, 'flip-verdict');
    await rm(join(copy, SIGNATURE_FILE));
    const r = JSON.parse(await readFile(join(copy, 'results.json'), 'utf8')) as RunResult;
    r.summary = { ...r.summary, verdict: 'pass', exitCode: 0 };
    await writeFile(join(copy, 'results.json'), JSON.stringify(r, null, 2) + '\n');
    await rehash(copy, ['results.json']);
    const m = JSON.parse(await readFile(join(copy, MANIFEST_FILE), 'utf8')) as Manifest;
    await writeFile(join(copy, MANIFEST_FILE), manifestText({ ...m, verdict: { verdict: 'pass', exitCode: 0 } }));
    const v = await verify(copy);
    expect(v.code).toBe(1);
    expect(v.out).toMatch(/the summary says pass \(exit 0\) where the tests give no pass: CP-FEED-\S+ FAILED/);
    expect(v.out).toMatch(/report\.html is not what results\.json gives/);
  });

  it('results.json relabelled "PASS" over its failing verdict, manifest recomputed: NOT INTACT', async () => {
    const copy = await copyDir(genuine, 'relabel');
    await rm(join(copy, SIGNATURE_FILE));
    const r = JSON.parse(await readFile(join(copy, 'results.json'), 'utf8')) as RunResult;
    r.summary = { ...r.summary, label: 'PASS' };
    await writeFile(join(copy, 'results.json'), JSON.stringify(r, null, 2) + '\n');
    await rehash(copy, ['results.json']);
    const v = await verify(copy);
    expect(v.code).toBe(1);
    expect(v.out).toMatch(/the summary is labelled "PASS" where its verdict is fail/);
  });

  it('a whole consistent PASS rewritten with the harness itself, unsigned: only a signature tells, so exit 4 without a key, 1 with one', async () => {
    const forged = join(await tempDir('rewritten'), 'run');
    const pass = structuredClone(result);
    pass.tests[0]!.status = 'PASSED';
    delete pass.tests[0]!.reason;
    pass.summary = { ...pass.summary, PASSED: pass.summary.PASSED + 1, FAILED: 0, verdict: 'pass', label: 'PASS', exitCode: 0 };
    await writeRunDirectory(pass, await fileReporters(), forged);
    const bare = await verify(forged);
    expect(bare.code).toBe(4);
    expect(bare.out).toMatch(/unsigned: nothing shows who wrote this bundle/);
    const checked = await verify(forged, ...TRUSTED());
    expect(checked.code).toBe(1);
    expect(checked.out).toMatch(/manifest\.sig is missing/);
  });

  it.each(['report.html', 'summary.md', 'junit.xml'])('only %s edited to read PASS, manifest recomputed: NOT INTACT', async (file) => {
    const copy = await copyDir(genuine, 'derived');
    await rm(join(copy, SIGNATURE_FILE));
    const text = await readFile(join(copy, file), 'utf8');
    const edited = text
      .replace(/FAIL/g, 'PASS')
      .replace(/failures="1"/g, 'failures="0"')
      .replace(/<failure[\s\S]*?<\/failure>/g, '');
    expect(edited).not.toBe(text);
    await writeFile(join(copy, file), edited);
    await rehash(copy, [file]);
    const v = await verify(copy);
    expect(v.code).toBe(1);
    expect(v.out).toMatch(new RegExp(`DERIVED: ${file.replace('.', '\\.')} is not what results\\.json gives`));
  });

  it('re-signed with another key: exit 4 without a trusted key (never 0), exit 1 with one', async () => {
    const copy = join(await tempDir('resigned'), 'run');
    await writeRunDirectory(result, await fileReporters(), copy, { signKey: loadPrivateKey(mallory.privateKey) });
    const bare = await verify(copy);
    expect(bare.code).toBe(4);
    const checked = await verify(copy, ...TRUSTED());
    expect(checked.code).toBe(1);
    expect(checked.out).toMatch(/signed by a key that is not trusted/);
    expect((await verify(copy, '--public-key', join(keyDir, 'lab.pub.pem'))).code).toBe(1);
  });

  it('the signature deleted: exit 4 without a trusted key, exit 1 with one', async () => {
    const copy = await copyDir(genuine, 'unsigned');
    await rm(join(copy, SIGNATURE_FILE));
    expect((await verify(copy)).code).toBe(4);
    expect((await verify(copy, ...TRUSTED())).code).toBe(1);
  });

  it("another run's genuine, signed bundle passed off as this one: --expect-system, --expect-run and --expect-statement refuse it", async () => {
    const other = structuredClone(result);
    other.sut = { ...other.sut, product: 'Other ICS', version: '2.0.0' };
    const otherDir = join(await tempDir('other-run'), 'run');
    await writeRunDirectory(other, await fileReporters(), otherDir, { signKey: loadPrivateKey(lab.privateKey) });
    expect((await verify(otherDir, ...TRUSTED())).code).toBe(0); // genuine, of another system
    const wrongSystem = await verify(otherDir, ...TRUSTED(), '--expect-system', 'Reference ICS@1.0.0');
    expect(wrongSystem.code).toBe(1);
    expect(wrongSystem.out).toMatch(/the bundle is of ics-conformance project Other ICS@2\.0\.0, not Reference ICS@1\.0\.0/);
    expect((await verify(genuine, ...TRUSTED(), '--expect-system', 'Reference ICS@1.0.0')).code).toBe(0);
    expect((await verify(genuine, ...TRUSTED(), '--expect-system', 'ics-conformance project Reference ICS@1.0.0')).code).toBe(0);
    expect((await verify(genuine, ...TRUSTED(), '--expect-run', '00000000-0000-4000-8000-000000000000')).code).toBe(1);
    expect((await verify(genuine, ...TRUSTED(), '--expect-run', result.run.id)).code).toBe(0);
    const statementFile = join(keyDir, 'statement.json');
    await writeFile(statementFile, JSON.stringify(quickStatement()));
    expect((await verify(genuine, ...TRUSTED(), '--expect-statement', statementFile)).code).toBe(0);
    await writeFile(statementFile, JSON.stringify({ ...quickStatement(), capabilities: ['contactpoint-feed'] }));
    const wrongStatement = await verify(genuine, ...TRUSTED(), '--expect-statement', statementFile);
    expect(wrongStatement.code).toBe(1);
    expect(wrongStatement.out).toMatch(/another conformance statement/);
  });

  it('the statement in the bundle swapped (statement.json and results.json, manifest recomputed): the digest the manifest binds differs', async () => {
    const copy = await copyDir(genuine, 'statement');
    await rm(join(copy, SIGNATURE_FILE));
    const r = JSON.parse(await readFile(join(copy, 'results.json'), 'utf8')) as RunResult;
    r.statement = { ...r.statement, capabilities: [] };
    await writeFile(join(copy, 'results.json'), JSON.stringify(r, null, 2) + '\n');
    await writeFile(join(copy, 'statement.json'), JSON.stringify(r.statement, null, 2) + '\n');
    await rehash(copy, ['results.json', 'statement.json']);
    const v = await verify(copy);
    expect(v.code).toBe(1);
    expect(v.out).toMatch(/statement\.json is not the statement the manifest binds/);
  });

  it('a manifest re-serialised (same content, not RFC 8785 canonical JSON): NOT INTACT', async () => {
    const copy = await copyDir(genuine, 'pretty');
    const m = JSON.parse(await readFile(join(copy, MANIFEST_FILE), 'utf8')) as Manifest;
    await writeFile(join(copy, MANIFEST_FILE), JSON.stringify(m, null, 2));
    const v = await verify(copy, ...TRUSTED());
    expect(v.code).toBe(1);
    expect(v.out).toMatch(/not in the form the harness wrote/);
  });

  it('an identity mismatch signed as genuine evidence: --expect-system refuses it unless it was waived', async () => {
    const claimed = structuredClone(result);
    claimed.identity = {
      declared: { vendor: claimed.sut.vendor, product: claimed.sut.product, version: claimed.sut.version },
      matches: false,
      mismatches: ['version'],
    };
    claimed.sut = { ...claimed.sut, version: '9.9.9' };
    const d = join(await tempDir('identity'), 'run');
    await writeRunDirectory(claimed, await fileReporters(), d, { signKey: loadPrivateKey(lab.privateKey) });
    const v = await verify(d, ...TRUSTED(), '--expect-system', 'Reference ICS@9.9.9');
    expect(v.code).toBe(1);
    expect(v.out).toMatch(/self-report did not match its conformance statement \(version\)/);
  });
});

describe('what verify regenerates and what is signed', () => {
  it('regenerates report.html, summary.md and junit.xml byte for byte from results.json', async () => {
    const r = JSON.parse(await readFile(join(genuine, 'results.json'), 'utf8')) as RunResult;
    expect(htmlReport(r)).toBe(await readFile(join(genuine, 'report.html'), 'utf8'));
    expect(markdownSummary(r)).toBe(await readFile(join(genuine, 'summary.md'), 'utf8'));
    expect(junitXml(r)).toBe(await readFile(join(genuine, 'junit.xml'), 'utf8'));
  });

  it("signs RFC 8785 canonical JSON (the RFC's own example), and refuses what RFC 8785 cannot express", async () => {
    const rfc = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
    );
    expect(jcs(rfc)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
    // Keys in UTF-16 code unit order (RFC 8785 3.2.3).
    expect(jcs({ '\u20ac': 1, '\r': 2, '\ud83d\ude00': 3, '\ufb33': 4, '1': 5 })).toBe('{"\\r":2,"1":5,"\u20ac":1,"\ud83d\ude00":3,"\ufb33":4}');
    expect(() => jcs({ x: Number.NaN })).toThrow(/RFC 8785/);
    expect(() => jcs({ x: '\ud800' })).toThrow(/lone surrogate/);
    const text = await readFile(join(genuine, MANIFEST_FILE), 'utf8');
    expect(jcs(JSON.parse(text))).toBe(text);
  });
});
