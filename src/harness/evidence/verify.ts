/**
 * Checks an evidence bundle: every file against the manifest (changed, added, removed), the
 * journal's hash chain, the results and the journal against each other, and the signature.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import type { RunResult } from '../model/result.js';
import { terminalSafe as f, terminalText } from '../../platform/terminal.js';
import { maskSecrets } from '../model/mask.js';
import {
  listFiles,
  manifestIdentity,
  manifestText,
  statementDigest,
  MANIFEST_FILE,
  BUNDLE_FILES,
  BUNDLE_FORMAT,
  BUNDLE_FORMAT_VERSION,
  type Manifest,
  type ManifestFile,
} from './bundle.js';
import { allReporters } from '../reporters/index.js';
import { VERSION } from '../../platform/version.js';
import type { Status } from '../engine/types.js';
import { buildJournal, verifyJournal, JOURNAL_FILE } from './journal.js';
import { canonicalJson, sha256 } from './hash.js';
import { keyIdOf, loadPublicKey, signatureText, verifySignature, SIGNATURE_FILE, type SignatureFile } from './signing.js';

export type ProblemKind = 'manifest' | 'changed' | 'added' | 'removed' | 'journal' | 'results' | 'derived' | 'signature' | 'expectation';

/** What the checker expects the bundle to be about: another run's genuine bundle is not this run's. */
export interface VerifyExpectations {
  /** "NAME@VERSION": NAME is the product, or vendor and product ("Acme Acme ICS"). */
  system?: string;
  /** The conformance statement the run was to use (parsed); compared by digest, credentials masked. */
  statement?: unknown;
  /** The run ID. */
  runId?: string;
}

export interface VerifyOptions {
  /** The signer's key: the bundle must be signed by it. */
  publicKey?: KeyObject;
  /** Keys an accreditation body trusts (--trusted-keys): the bundle must be signed by one of them. */
  trustedKeys?: KeyObject[];
  expect?: VerifyExpectations;
}

// Key order is no difference: the manifest is canonical JSON (sorted keys), results.json is not.
const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

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
  run?: { id: string; sut: string; verdict: string; catalogueVersion: string; harnessVersion: string; label?: string };
  /** valid: checked against the given public key; self-consistent: verifies with the key it carries (no trusted key given). */
  signature: 'valid' | 'self-consistent' | 'invalid' | 'missing' | 'unsigned';
  /**
   * trusted: signed by a key the checker gave. unverified: intact as far as the files go, but nothing
   * shows who wrote it (no trusted key given, or unsigned): anyone with the harness could have (docs/evidence.md).
   */
  signer: 'trusted' | 'unverified';
  /** VERIFIED (exit 0), UNVERIFIED (intact, signer unverified: exit 4), NOT INTACT (exit 1). */
  verdict: 'VERIFIED' | 'UNVERIFIED' | 'NOT INTACT';
  keyId?: string;
  journal?: { entries: number; head: string };
}

/**
 * @example const report = await verifyBundle('reports/demo', { publicKey }); if (!report.ok) console.error(report.problems);
 */
export async function verifyBundle(dir: string, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const problems: VerifyProblem[] = [];
  const report: VerifyReport = { ok: false, dir, problems, files: 0, signature: 'unsigned', signer: 'unverified', verdict: 'NOT INTACT' };
  const trusted = [...(opts.publicKey ? [opts.publicKey] : []), ...(opts.trustedKeys ?? [])];
  const done = (): VerifyReport => {
    const ok = problems.length === 0;
    const signer = ok && report.signature === 'valid' ? 'trusted' : 'unverified';
    return { ...report, ok, signer, verdict: !ok ? 'NOT INTACT' : signer === 'trusted' ? 'VERIFIED' : 'UNVERIFIED' };
  };

  let manifestBytes: Buffer;
  let manifest: Manifest;
  try {
    manifestBytes = await readFile(join(dir, MANIFEST_FILE));
  } catch {
    problems.push({
      kind: 'removed',
      path: MANIFEST_FILE,
      message: `${MANIFEST_FILE} is missing: this is not an evidence bundle, or its manifest was removed`,
    });
    return done();
  }
  try {
    manifest = JSON.parse(manifestBytes.toString('utf8')) as Manifest;
    if (manifest.format !== BUNDLE_FORMAT || !Array.isArray(manifest.files)) throw new Error('not an ics-conformance manifest');
  } catch (err) {
    problems.push({ kind: 'manifest', path: MANIFEST_FILE, message: `${MANIFEST_FILE} is unreadable: ${(err as Error).message}` });
    return done();
  }
  if (manifest.formatVersion !== BUNDLE_FORMAT_VERSION)
    problems.push({
      kind: 'manifest',
      path: MANIFEST_FILE,
      message: `format version ${String(manifest.formatVersion)}; this harness reads ${BUNDLE_FORMAT_VERSION}`,
    });
  if (manifestText(manifest) !== manifestBytes.toString('utf8'))
    problems.push({ kind: 'manifest', path: MANIFEST_FILE, message: `${MANIFEST_FILE} is not in the form the harness wrote (it was edited)` });
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
    if (bytes.byteLength !== f.bytes)
      problems.push({
        kind: 'changed',
        path: f.path,
        message: `${f.path} was changed: ${bytes.byteLength} bytes where the manifest says ${f.bytes}`,
      });
    else if (actual !== f.sha256)
      problems.push({
        kind: 'changed',
        path: f.path,
        message: `${f.path} was changed: SHA-256 ${actual.slice(0, 16)}… where the manifest says ${String(f.sha256).slice(0, 16)}…`,
      });
  }
  const { files, other } = await listFiles(dir);
  for (const f of [...files, ...other]) {
    if (f === MANIFEST_FILE || f === SIGNATURE_FILE || listed.has(f)) continue;
    problems.push({ kind: 'added', path: f, message: `${f} is not in the manifest (added after the run)` });
  }

  // Journal: the chain holds, and ends where the manifest says.
  if (manifest.journal?.file !== JOURNAL_FILE)
    problems.push({
      kind: 'manifest',
      path: MANIFEST_FILE,
      message: `the manifest names the journal ${JSON.stringify(manifest.journal?.file)}, not ${JOURNAL_FILE}`,
    });
  for (const required of [JOURNAL_FILE, BUNDLE_FILES.results])
    if (!listed.has(required))
      problems.push({ kind: 'manifest', path: MANIFEST_FILE, message: `the manifest does not list ${required}, which every bundle holds` });
  const journalPath = join(dir, JOURNAL_FILE);
  if (existsSync(journalPath)) {
    const chain = verifyJournal(await readFile(journalPath, 'utf8'));
    report.journal = { entries: chain.entries, head: chain.head };
    if (!chain.ok)
      problems.push({ kind: 'journal', path: JOURNAL_FILE, message: `hash chain broken at line ${chain.problem!.line}: ${chain.problem!.message}` });
    else if (chain.head !== manifest.journal?.head || chain.entries !== manifest.journal?.entries)
      problems.push({
        kind: 'journal',
        path: JOURNAL_FILE,
        message:
          `the chain ends at entry ${chain.entries} (${chain.head.slice(0, 16)}…) where the manifest ` +
          `says ${manifest.journal?.entries} (${String(manifest.journal?.head).slice(0, 16)}…): entries were added or removed`,
      });
  }

  // Results: same run as the manifest, and the journal is the one these results give.
  const resultsPath = join(dir, BUNDLE_FILES.results);
  if (existsSync(resultsPath)) {
    try {
      const result = JSON.parse(await readFile(resultsPath, 'utf8')) as RunResult;
      // The label says what kind of incomplete a run is (PARTIAL, INCOMPLETE: interrupted...); summaryProblems checks it against the verdict.
      if (report.run && typeof result.summary?.label === 'string') report.run.label = result.summary.label;
      const expected = {
        run: { id: result.run?.id, startedAt: result.run?.startedAt, finishedAt: result.run?.finishedAt, mode: result.run?.mode },
        sut: { vendor: result.sut?.vendor, product: result.sut?.product, version: result.sut?.version },
        verdict: { verdict: result.summary?.verdict, exitCode: result.summary?.exitCode },
        catalogueVersion: result.catalogueVersion,
        resultSchemaVersion: result.schemaVersion,
      };
      for (const [k, v] of Object.entries(expected))
        if (!same(v, manifest[k as keyof typeof expected]))
          problems.push({
            kind: 'results',
            path: BUNDLE_FILES.results,
            message: `the manifest's ${k} (${JSON.stringify(manifest[k as keyof typeof expected])}) is not the run's (${JSON.stringify(v)})`,
          });
      if (buildJournal(result).head !== manifest.journal?.head)
        problems.push({ kind: 'results', path: BUNDLE_FILES.results, message: 'the exchanges in results.json do not match the journal' });
      if (!same(manifestIdentity(result), manifest.identity))
        problems.push({
          kind: 'results',
          path: BUNDLE_FILES.results,
          message: `the manifest's identity check (${JSON.stringify(manifest.identity)}) is not the run's (${JSON.stringify(manifestIdentity(result))})`,
        });
      if (statementDigest(result.statement) !== manifest.statement?.sha256)
        problems.push({
          kind: 'results',
          path: BUNDLE_FILES.results,
          message: 'the statement in results.json is not the one the manifest binds (its digest differs)',
        });
      for (const p of summaryProblems(result)) problems.push({ kind: 'results', path: BUNDLE_FILES.results, message: p });
      problems.push(...(await derivedProblems(dir, result, manifest, listed)));
    } catch (err) {
      problems.push({ kind: 'results', path: BUNDLE_FILES.results, message: `results.json is unreadable: ${(err as Error).message}` });
    }
  }

  if (manifest.statement?.file !== BUNDLE_FILES.statement)
    problems.push({
      kind: 'manifest',
      path: MANIFEST_FILE,
      message: `the manifest names the statement ${JSON.stringify(manifest.statement?.file)}, not ${BUNDLE_FILES.statement}`,
    });
  const statementPath = join(dir, BUNDLE_FILES.statement);
  if (existsSync(statementPath)) {
    try {
      if (statementDigest(JSON.parse(await readFile(statementPath, 'utf8'))) !== manifest.statement?.sha256)
        problems.push({
          kind: 'results',
          path: BUNDLE_FILES.statement,
          message: 'statement.json is not the statement the manifest binds (its digest differs)',
        });
    } catch {
      problems.push({ kind: 'results', path: BUNDLE_FILES.statement, message: 'statement.json is unreadable' });
    }
  }

  const harnessPath = join(dir, BUNDLE_FILES.harness);
  if (existsSync(harnessPath)) {
    try {
      const h = JSON.parse(await readFile(harnessPath, 'utf8')) as { name?: string; version?: string; node?: string };
      if (!same({ name: h.name, version: h.version, node: h.node }, manifest.harness))
        problems.push({
          kind: 'manifest',
          path: MANIFEST_FILE,
          message: `the manifest's harness (${JSON.stringify(manifest.harness)}) is not the one harness.json names`,
        });
    } catch {
      problems.push({ kind: 'manifest', path: BUNDLE_FILES.harness, message: 'harness.json is unreadable' });
    }
  }

  if (opts.expect) problems.push(...expectationProblems(manifest, opts.expect));

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
      if (trusted.length) {
        let embeddedId: string | undefined;
        try {
          embeddedId = keyIdOf(loadPublicKey(sig.publicKey));
        } catch {
          // a damaged key fails below
        }
        const key = trusted.find((k) => keyIdOf(k) === sig.keyId);
        if (key && embeddedId === sig.keyId && verifySignature(manifestBytes, sig.signature, key)) report.signature = 'valid';
        else {
          report.signature = 'invalid';
          const given = trusted.map((k) => `${keyIdOf(k).slice(0, 23)}…`).join(', ');
          problems.push({
            kind: 'signature',
            path: SIGNATURE_FILE,
            message: key
              ? 'the signature does not verify: the manifest was changed after signing'
              : `the bundle is signed by a key that is not trusted (${String(sig.keyId).slice(0, 23)}…; trusted: ${given})`,
          });
        }
      } else {
        let embedded: KeyObject | undefined;
        try {
          embedded = loadPublicKey(sig.publicKey);
        } catch {
          // reported below
        }
        if (embedded && keyIdOf(embedded) === sig.keyId && verifySignature(manifestBytes, sig.signature, embedded))
          report.signature = 'self-consistent';
        else {
          report.signature = 'invalid';
          problems.push({
            kind: 'signature',
            path: SIGNATURE_FILE,
            message: 'the signature does not verify: the manifest or the signature was changed after signing',
          });
        }
      }
    }
  } else if (trusted.length) {
    report.signature = 'missing';
    problems.push({
      kind: 'signature',
      path: SIGNATURE_FILE,
      message: `${SIGNATURE_FILE} is missing: the bundle is not signed, but a trusted key was given`,
    });
  }
  return done();
}

const STATUSES: Status[] = ['PASSED', 'FAILED', 'WARNING', 'SKIPPED', 'ERROR', 'REVIEW'];

/** The summary must be what its tests add up to: a verdict flipped on its own is caught here. */
function summaryProblems(result: RunResult): string[] {
  const s = result.summary;
  const tests = Array.isArray(result.tests) ? result.tests : [];
  const out: string[] = [];
  for (const st of STATUSES) {
    const n = tests.filter((t) => t.status === st).length;
    if (s?.[st] !== n) out.push(`the summary counts ${String(s?.[st])} ${st} where the tests hold ${n}`);
  }
  if (s?.total !== tests.length) out.push(`the summary counts ${String(s?.total)} tests where there are ${tests.length}`);
  // One way only: nothing that blocks may sit under a passing verdict. (The finer verdict rules are the
  // runner's, and a genuine bundle must not fail here when they grow.)
  const blocking = [
    ...tests.filter((t) => t.status === 'ERROR' || (t.status === 'FAILED' && !t.waiver)).map((t) => `${t.id} ${t.status}`),
    ...(result.identity && !result.identity.matches && !result.identity.waiver ? ['an unwaived identity mismatch'] : []),
    ...(result.run?.interrupted ? [`an interruption (${result.run.interrupted})`] : []),
  ];
  // The label every report shows must say the verdict: a "PASS" label over a failing verdict is an edit.
  if (s?.verdict && typeof s.label === 'string' && s.label.startsWith('PASS') !== (s.verdict === 'pass'))
    out.push(`the summary is labelled "${s.label.slice(0, 40)}" where its verdict is ${s.verdict}`);
  if ((s?.exitCode === 0 || s?.verdict === 'pass') && blocking.length)
    out.push(
      `the summary says ${String(s?.verdict)} (exit ${String(s?.exitCode)}) where the tests give no pass: ${blocking.slice(0, 3).join(', ')}${blocking.length > 3 ? ', …' : ''}`,
    );
  return out;
}

/** Reporter outputs regenerated from results.json (every declared file with a renderer): an edited report.html, summary.md or junit.xml differs. */
async function derivedProblems(dir: string, result: RunResult, manifest: Manifest, listed: Map<string, ManifestFile>): Promise<VerifyProblem[]> {
  // Latest registered first: the reader's report (report.html) before summary.md and junit.xml, the order verify has always listed them in.
  const reporters = (await allReporters()).reverse();
  const derived = reporters.flatMap((r) => r.files.flatMap((f) => (f.render ? [[f.path, f.render] as const] : [])));
  const out: VerifyProblem[] = [];
  for (const [file, render] of derived) {
    if (!listed.has(file) || !existsSync(join(dir, file))) continue;
    // Another harness version renders differently: only the same version can regenerate byte for byte.
    if (manifest.harness?.version !== VERSION) {
      out.push({
        kind: 'derived',
        path: file,
        message: `${file} cannot be regenerated: the bundle was written by harness ${String(manifest.harness?.version)}, this is ${VERSION} (verify it with that version)`,
      });
      continue;
    }
    let expected: string;
    try {
      expected = render(result);
    } catch (err) {
      out.push({ kind: 'derived', path: file, message: `${file} cannot be regenerated from results.json (${(err as Error).message})` });
      continue;
    }
    if ((await readFile(join(dir, file), 'utf8')) !== expected)
      out.push({ kind: 'derived', path: file, message: `${file} is not what results.json gives: it was edited, or written from other results` });
  }
  return out;
}

function expectationProblems(manifest: Manifest, expect: VerifyExpectations): VerifyProblem[] {
  const out: VerifyProblem[] = [];
  const sut = manifest.sut ?? { vendor: '', product: '', version: '' };
  if (expect.system !== undefined) {
    const at = expect.system.lastIndexOf('@');
    const name = at < 0 ? expect.system : expect.system.slice(0, at);
    const version = at < 0 ? undefined : expect.system.slice(at + 1);
    const nameOk = name === sut.product || name === `${sut.vendor} ${sut.product}`;
    if (!nameOk || (version !== undefined && version !== sut.version))
      out.push({
        kind: 'expectation',
        path: MANIFEST_FILE,
        message: `the bundle is of ${sut.vendor} ${sut.product}@${sut.version}, not ${expect.system}`,
      });
    if (!manifest.identity?.matches && !manifest.identity?.waived)
      out.push({
        kind: 'expectation',
        path: MANIFEST_FILE,
        message: `the system's self-report did not match its conformance statement (${(manifest.identity?.mismatches ?? []).join(', ')})`,
      });
  }
  if (expect.statement !== undefined && statementDigest(maskSecrets(expect.statement)) !== manifest.statement?.sha256)
    out.push({
      kind: 'expectation',
      path: MANIFEST_FILE,
      message: 'the run used another conformance statement than the one given (--expect-statement)',
    });
  if (expect.runId !== undefined && expect.runId !== manifest.run?.id)
    out.push({ kind: 'expectation', path: MANIFEST_FILE, message: `the bundle is of run ${String(manifest.run?.id)}, not ${expect.runId}` });
  return out;
}

/** The report as lines for a terminal. */
export function verifyText(r: VerifyReport): string {
  const lines: string[] = [];
  // Everything here but our own words comes from the bundle (file names, the system's self-report): cut and terminal-safe.
  if (r.run) {
    const label = r.run.label && r.run.label.toLowerCase() !== String(r.run.verdict) ? ` (${f(r.run.label, 200)})` : '';
    lines.push(
      `Bundle ${f(r.dir, 300)}: run ${f(r.run.id)}, ${f(r.run.sut)}, verdict ${f(r.run.verdict)}${label}, harness ${f(r.run.harnessVersion)}, catalogue ${f(r.run.catalogueVersion)}`,
    );
    if (r.run.label?.startsWith('PARTIAL'))
      lines.push(
        '  A partial run: it covers part of the conformance statement (a selection, or tests skipped by the tester), so it is evidence of what ran, not an accreditation verdict.',
      );
    else if (r.run.label?.startsWith('INCOMPLETE: '))
      lines.push('  An incomplete run: it stopped before every test ran; `ics-conformance run --resume DIR` continues it.');
  }
  lines.push(
    `  ${r.files} files in the manifest${r.journal ? `; journal ${r.journal.entries} entries, chain head ${r.journal.head.slice(0, 16)}…` : ''}`,
  );
  const sig = {
    valid: `signature valid (key ${f(r.keyId)})`,
    'self-consistent': `signed by key ${f(r.keyId)}, which is not a trusted key: the signature verifies only with the key the bundle carries (anyone can re-sign); give --public-key or --trusted-keys`,
    invalid: 'signature INVALID',
    missing: 'signature MISSING',
    unsigned: 'unsigned: nothing shows who wrote this bundle (sign with --sign-key; check with --public-key or --trusted-keys)',
  }[r.signature];
  lines.push(`  ${sig}`);
  for (const p of r.problems) lines.push(`  ✗ ${p.kind.toUpperCase()}: ${f(p.message, 400)}`);
  lines.push(
    r.verdict === 'VERIFIED'
      ? 'VERIFIED: every file matches the manifest, and a trusted key signed it.'
      : r.verdict === 'UNVERIFIED'
        ? 'INTACT, SIGNER UNVERIFIED: every file matches the manifest, but without a trusted signature anyone could have written it (exit 4).'
        : `NOT INTACT: ${r.problems.length} problem(s).`,
  );
  return terminalText(lines.join('\n')) + '\n';
}
