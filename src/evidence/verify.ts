/**
 * Checks an evidence bundle: every file against the manifest (changed, added, removed), the
 * journal's hash chain, the results and the journal against each other, and the signature.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import type { RunResult } from '../engine/result.js';
import { terminalSafe as f, terminalText } from '../core/terminal.js';
import { listFiles, manifestText, MANIFEST_FILE, BUNDLE_FILES, BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, type Manifest } from './bundle.js';
import { buildJournal, verifyJournal, JOURNAL_FILE } from './journal.js';
import { sha256 } from './hash.js';
import { keyIdOf, loadPublicKey, signatureText, verifySignature, SIGNATURE_FILE, type SignatureFile } from './signing.js';

export type ProblemKind = 'manifest' | 'changed' | 'added' | 'removed' | 'journal' | 'results' | 'signature';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export interface VerifyProblem {
  kind: ProblemKind;
  path?: string;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  dir: string;
  problems: VerifyProblem[];
  /** Files the manifest lists. */
  files: number;
  run?: { id: string; sut: string; verdict: string; catalogueVersion: string; harnessVersion: string };
  /** valid: checked against the given public key; self-consistent: verifies with the key it carries (no trusted key given). */
  signature: 'valid' | 'self-consistent' | 'invalid' | 'missing' | 'unsigned';
  keyId?: string;
  journal?: { entries: number; head: string };
}

/**
 * @example const report = await verifyBundle('reports/demo', { publicKey }); if (!report.ok) console.error(report.problems);
 */
export async function verifyBundle(dir: string, opts: { publicKey?: KeyObject } = {}): Promise<VerifyReport> {
  const problems: VerifyProblem[] = [];
  const report: VerifyReport = { ok: false, dir, problems, files: 0, signature: 'unsigned' };
  const done = () => ({ ...report, ok: problems.length === 0 });

  let manifestBytes: Buffer;
  let manifest: Manifest;
  try {
    manifestBytes = await readFile(join(dir, MANIFEST_FILE));
  } catch {
    problems.push({ kind: 'removed', path: MANIFEST_FILE, message: `${MANIFEST_FILE} is missing: this is not an evidence bundle, or its manifest was removed` });
    return done();
  }
  try {
    manifest = JSON.parse(manifestBytes.toString('utf8')) as Manifest;
    if (manifest.format !== BUNDLE_FORMAT || !Array.isArray(manifest.files)) throw new Error('not an ics-conformance manifest');
  } catch (err) {
    problems.push({ kind: 'manifest', path: MANIFEST_FILE, message: `${MANIFEST_FILE} is unreadable: ${(err as Error).message}` });
    return done();
  }
  if (manifest.formatVersion !== BUNDLE_FORMAT_VERSION) problems.push({ kind: 'manifest', path: MANIFEST_FILE, message: `format version ${String(manifest.formatVersion)}; this harness reads ${BUNDLE_FORMAT_VERSION}` });
  if (manifestText(manifest) !== manifestBytes.toString('utf8')) problems.push({ kind: 'manifest', path: MANIFEST_FILE, message: `${MANIFEST_FILE} is not in the form the harness wrote (it was edited)` });
  report.files = manifest.files.length;
  report.run = {
    id: manifest.run?.id,
    sut: `${manifest.sut?.vendor} ${manifest.sut?.product} ${manifest.sut?.version}`,
    verdict: manifest.verdict?.verdict,
    catalogueVersion: manifest.catalogueVersion,
    harnessVersion: manifest.harness?.version,
  };

  // Files: changed, removed, added.
  const listed = new Map(manifest.files.map((f) => [f.path, f]));
  for (const f of manifest.files) {
    let bytes: Buffer;
    try {
      bytes = await readFile(join(dir, f.path));
    } catch {
      problems.push({ kind: 'removed', path: f.path, message: `${f.path} is listed in the manifest but missing` });
      continue;
    }
    const actual = sha256(bytes);
    if (bytes.byteLength !== f.bytes) problems.push({ kind: 'changed', path: f.path, message: `${f.path} was changed: ${bytes.byteLength} bytes where the manifest says ${f.bytes}` });
    else if (actual !== f.sha256) problems.push({ kind: 'changed', path: f.path, message: `${f.path} was changed: SHA-256 ${actual.slice(0, 16)}… where the manifest says ${String(f.sha256).slice(0, 16)}…` });
  }
  const { files, other } = await listFiles(dir);
  for (const f of [...files, ...other]) {
    if (f === MANIFEST_FILE || f === SIGNATURE_FILE || listed.has(f)) continue;
    problems.push({ kind: 'added', path: f, message: `${f} is not in the manifest (added after the run)` });
  }

  // Journal: the chain holds, and ends where the manifest says.
  if (manifest.journal?.file !== JOURNAL_FILE) problems.push({ kind: 'manifest', path: MANIFEST_FILE, message: `the manifest names the journal ${JSON.stringify(manifest.journal?.file)}, not ${JOURNAL_FILE}` });
  for (const required of [JOURNAL_FILE, BUNDLE_FILES.results])
    if (!listed.has(required)) problems.push({ kind: 'manifest', path: MANIFEST_FILE, message: `the manifest does not list ${required}, which every bundle holds` });
  const journalPath = join(dir, JOURNAL_FILE);
  if (existsSync(journalPath)) {
    const chain = verifyJournal(await readFile(journalPath, 'utf8'));
    report.journal = { entries: chain.entries, head: chain.head };
    if (!chain.ok) problems.push({ kind: 'journal', path: JOURNAL_FILE, message: `hash chain broken at line ${chain.problem!.line}: ${chain.problem!.message}` });
    else if (chain.head !== manifest.journal?.head || chain.entries !== manifest.journal?.entries)
      problems.push({ kind: 'journal', path: JOURNAL_FILE, message: `the chain ends at entry ${chain.entries} (${chain.head.slice(0, 16)}…) where the manifest says ${manifest.journal?.entries} (${String(manifest.journal?.head).slice(0, 16)}…): entries were added or removed` });
  }

  // Results: same run as the manifest, and the journal is the one these results give.
  const resultsPath = join(dir, BUNDLE_FILES.results);
  if (existsSync(resultsPath)) {
    try {
      const result = JSON.parse(await readFile(resultsPath, 'utf8')) as RunResult;
      const expected = {
        run: { id: result.run?.id, startedAt: result.run?.startedAt, finishedAt: result.run?.finishedAt, mode: result.run?.mode },
        sut: { vendor: result.sut?.vendor, product: result.sut?.product, version: result.sut?.version },
        verdict: { verdict: result.summary?.verdict, exitCode: result.summary?.exitCode },
        catalogueVersion: result.catalogueVersion,
        resultSchemaVersion: result.schemaVersion,
      };
      for (const [k, v] of Object.entries(expected))
        if (!same(v, manifest[k as keyof typeof expected])) problems.push({ kind: 'results', path: BUNDLE_FILES.results, message: `the manifest's ${k} (${JSON.stringify(manifest[k as keyof typeof expected])}) is not the run's (${JSON.stringify(v)})` });
      if (buildJournal(result).head !== manifest.journal?.head) problems.push({ kind: 'results', path: BUNDLE_FILES.results, message: 'the exchanges in results.json do not match the journal' });
    } catch (err) {
      problems.push({ kind: 'results', path: BUNDLE_FILES.results, message: `results.json is unreadable: ${(err as Error).message}` });
    }
  }

  const harnessPath = join(dir, BUNDLE_FILES.harness);
  if (existsSync(harnessPath)) {
    try {
      const h = JSON.parse(await readFile(harnessPath, 'utf8')) as { name?: string; version?: string; node?: string };
      if (!same({ name: h.name, version: h.version, node: h.node }, manifest.harness)) problems.push({ kind: 'manifest', path: MANIFEST_FILE, message: `the manifest's harness (${JSON.stringify(manifest.harness)}) is not the one harness.json names` });
    } catch {
      problems.push({ kind: 'manifest', path: BUNDLE_FILES.harness, message: 'harness.json is unreadable' });
    }
  }

  // Signature.
  const sigPath = join(dir, SIGNATURE_FILE);
  if (existsSync(sigPath)) {
    let sig: SignatureFile | undefined;
    try {
      const text = await readFile(sigPath, 'utf8');
      sig = JSON.parse(text) as SignatureFile;
      if (sig.algorithm !== 'Ed25519' || typeof sig.signature !== 'string' || signatureText(sig) !== text) throw new Error('edited');
    } catch {
      problems.push({ kind: 'signature', path: SIGNATURE_FILE, message: `${SIGNATURE_FILE} is unreadable or was edited` });
      report.signature = 'invalid';
      sig = undefined;
    }
    if (sig) {
      report.keyId = sig.keyId;
      if (opts.publicKey) {
        const given = keyIdOf(opts.publicKey);
        let embeddedId: string | undefined;
        try {
          embeddedId = keyIdOf(loadPublicKey(sig.publicKey));
        } catch {
          // a damaged key fails below
        }
        if (sig.keyId === given && embeddedId === given && verifySignature(manifestBytes, sig.signature, opts.publicKey)) report.signature = 'valid';
        else {
          report.signature = 'invalid';
          problems.push({
            kind: 'signature',
            path: SIGNATURE_FILE,
            message: given === sig.keyId ? 'the signature does not verify: the manifest was changed after signing' : `the signature does not verify with the given public key (${given.slice(0, 23)}…; the bundle names ${String(sig.keyId).slice(0, 23)}…)`,
          });
        }
      } else {
        let embedded: KeyObject | undefined;
        try {
          embedded = loadPublicKey(sig.publicKey);
        } catch {
          // reported below
        }
        if (embedded && keyIdOf(embedded) === sig.keyId && verifySignature(manifestBytes, sig.signature, embedded)) report.signature = 'self-consistent';
        else {
          report.signature = 'invalid';
          problems.push({ kind: 'signature', path: SIGNATURE_FILE, message: 'the signature does not verify: the manifest or the signature was changed after signing' });
        }
      }
    }
  } else if (opts.publicKey) {
    report.signature = 'missing';
    problems.push({ kind: 'signature', path: SIGNATURE_FILE, message: `${SIGNATURE_FILE} is missing: the bundle is not signed, but a public key was given` });
  }
  return done();
}

/** The report as lines for a terminal. */
export function verifyText(r: VerifyReport): string {
  const lines: string[] = [];
  // Everything here but our own words comes from the bundle (file names, the system's self-report): cut and terminal-safe.
  if (r.run) lines.push(`Bundle ${f(r.dir, 300)}: run ${f(r.run.id)}, ${f(r.run.sut)}, verdict ${f(r.run.verdict)}, harness ${f(r.run.harnessVersion)}, catalogue ${f(r.run.catalogueVersion)}`);
  lines.push(`  ${r.files} files in the manifest${r.journal ? `; journal ${r.journal.entries} entries, chain head ${r.journal.head.slice(0, 16)}…` : ''}`);
  const sig = {
    valid: `signature valid (key ${f(r.keyId)})`,
    'self-consistent': `signed by key ${f(r.keyId)}: verifies with the key it carries; give --public-key to check who signed`,
    invalid: 'signature INVALID',
    missing: 'signature MISSING',
    unsigned: 'unsigned (sign with --sign-key; check with --public-key)',
  }[r.signature];
  lines.push(`  ${sig}`);
  for (const p of r.problems) lines.push(`  ✗ ${p.kind.toUpperCase()}: ${f(p.message, 400)}`);
  lines.push(r.ok ? 'INTACT: every file matches the manifest.' : `NOT INTACT: ${r.problems.length} problem(s).`);
  return terminalText(lines.join('\n')) + '\n';
}
