/**
 * The evidence bundle is the run directory: results.json, the hash-chained exchange journal, every
 * reporter's output, the conformance statement, the harness and catalogue versions, the result
 * schema, and manifest.json with the SHA-256 of every file, optionally signed (Ed25519, manifest.sig).
 * `ics-conformance verify DIR` checks it (./verify.ts).
 */
import { mkdir, readdir, readFile, rm, writeFile, lstat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, relative, sep, resolve } from 'node:path';
import type { KeyObject } from 'node:crypto';
import type { RunResult } from '../model/result.js';
import { RESULT_SCHEMA_VERSION, RESULTS_FILE } from '../model/result.js';
import { CATALOGUE_VERSION, REQUIREMENTS } from '../model/catalogue.js';
import { ConfigError } from '../model/statement.js';
import { VERSION } from '../../platform/version.js';
import type { Reporter } from '../reporters/types.js';
import { allReporters } from '../reporters/index.js';
import { prepareResult, type EvidenceResult } from '../model/prepare.js';
import { buildJournal, JOURNAL_FILE } from './journal.js';
import { jcs, sha256 } from './hash.js';
import { signatureText, signManifest, SIGNATURE_FILE } from './signing.js';
import { RunResultSchema } from '../model/result-schema.js';

export const MANIFEST_FILE = 'manifest.json';
export const BUNDLE_FORMAT = 'ics-conformance-evidence';
/** 2.0.0: the manifest is RFC 8785 canonical JSON and binds the statement's digest and the identity check. */
export const BUNDLE_FORMAT_VERSION = '2.0.0';

/** Files the bundle itself writes (reporters add theirs). */
export const BUNDLE_FILES = {
  results: RESULTS_FILE,
  journal: JOURNAL_FILE,
  statement: 'statement.json',
  catalogue: 'catalogue.json',
  harness: 'harness.json',
  schema: 'results.schema.json',
} as const;

/**
 * The manifest as written: exactly its known fields, as RFC 8785 canonical JSON (the bytes signed).
 * Verify rebuilds this text from the parsed manifest and insists on the same bytes, so no byte of it
 * can change unnoticed, and any JCS implementation can recompute what was signed.
 */
export function manifestText(m: Manifest): string {
  const fixed: Manifest = {
    format: m.format,
    formatVersion: m.formatVersion,
    harness: { name: m.harness?.name, version: m.harness?.version, node: m.harness?.node },
    catalogueVersion: m.catalogueVersion,
    resultSchemaVersion: m.resultSchemaVersion,
    run: { id: m.run?.id, startedAt: m.run?.startedAt, finishedAt: m.run?.finishedAt, mode: m.run?.mode },
    sut: { vendor: m.sut?.vendor, product: m.sut?.product, version: m.sut?.version },
    identity: { matches: m.identity?.matches, mismatches: m.identity?.mismatches, waived: m.identity?.waived },
    statement: { file: m.statement?.file, sha256: m.statement?.sha256 },
    verdict: { verdict: m.verdict?.verdict, exitCode: m.verdict?.exitCode },
    journal: { file: m.journal?.file, entries: m.journal?.entries, head: m.journal?.head },
    files: (m.files ?? []).map((f) => ({ path: f?.path, sha256: f?.sha256, bytes: f?.bytes })),
  };
  return jcs(fixed);
}

/** The conformance statement's digest as the manifest binds it: SHA-256 of its RFC 8785 form (credentials masked). */
export function statementDigest(statement: unknown): string {
  return sha256(jcs(statement));
}

/** The identity check as the manifest binds it. */
export function manifestIdentity(result: RunResult): Manifest['identity'] {
  const id = result.identity;
  return { matches: id?.matches ?? true, mismatches: id?.mismatches ?? [], waived: !!id?.waiver };
}

/** Every file name a run writes (the bundle's and every reporter's): a previous run's leftovers with these names are replaced, not reported. */
export async function runArtifacts(): Promise<ReadonlySet<string>> {
  const reporterFiles = (await allReporters()).flatMap((r) => r.files.map((f) => f.path));
  return new Set([...Object.values(BUNDLE_FILES), MANIFEST_FILE, SIGNATURE_FILE, ...reporterFiles]);
}

export interface ManifestFile {
  path: string;
  sha256: string;
  bytes: number;
}

export interface Manifest {
  format: typeof BUNDLE_FORMAT;
  formatVersion: string;
  harness: { name: 'ics-conformance'; version: string; node: string };
  catalogueVersion: string;
  resultSchemaVersion: string;
  run: { id: string; startedAt: string; finishedAt: string; mode: string };
  sut: { vendor: string; product: string; version: string };
  /** The SUT's self-report against the statement (engine/identity.ts). */
  identity: { matches: boolean; mismatches: string[]; waived: boolean };
  /** The conformance statement the run used: statement.json, and the SHA-256 of its RFC 8785 form. */
  statement: { file: string; sha256: string };
  verdict: { verdict: string; exitCode: number };
  journal: { file: string; entries: number; head: string };
  files: ManifestFile[];
}

/** Every regular file under dir (posix paths, sorted); anything else (a link, a device) is listed in `other`. */
export async function listFiles(dir: string): Promise<{ files: string[]; other: string[] }> {
  const files: string[] = [];
  const other: string[] = [];
  const walk = async (d: string) => {
    for (const ent of await readdir(d, { withFileTypes: true })) {
      const full = join(d, ent.name);
      const rel = relative(dir, full).split(sep).join('/');
      if (ent.isDirectory()) await walk(full);
      else if (ent.isFile()) files.push(rel);
      else other.push(rel);
    }
  };
  await walk(dir);
  return { files: files.sort(), other: other.sort() };
}

/** Paths a previous bundle in dir listed (safe ones only: inside dir). */
async function previousRunFiles(dir: string): Promise<string[]> {
  try {
    const m = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as Partial<Manifest>;
    const root = resolve(dir);
    return (m.files ?? []).map((f) => f.path).filter((p) => typeof p === 'string' && resolve(root, p).startsWith(root + sep));
  } catch {
    return [];
  }
}

/**
 * Throws a ConfigError when dir holds files that are not from an earlier run: the bundle must hold
 * this run's evidence only. Call it before a run, so a long run never ends in this error.
 */
export async function assertUsableOutDir(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  const st = await lstat(dir);
  if (!st.isDirectory()) throw new ConfigError(`--out ${dir} is not a directory`);
  const known = new Set([...(await runArtifacts()), ...(await previousRunFiles(dir))]);
  const { files, other } = await listFiles(dir);
  const foreign = [...files.filter((f) => !known.has(f)), ...other];
  if (foreign.length)
    throw new ConfigError(
      `--out ${dir} holds files that are not from an ics-conformance ` +
        `run (${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', …' : ''}): the evidence bundle must hold this ` +
        `run's files only. Choose a new or empty directory.`,
    );
}

/** Removes a previous run's files from dir, so its leftovers cannot pass for this run's evidence. */
async function clearPreviousRun(dir: string): Promise<void> {
  const previous = new Set([...(await runArtifacts()), ...(await previousRunFiles(dir))]);
  for (const f of previous) await rm(join(dir, f), { force: true });
}

export interface WriteOptions {
  /** Ed25519 private key: signs manifest.json into manifest.sig. */
  signKey?: KeyObject;
}

export interface WrittenRun {
  dir: string;
  /** Every file of the bundle, manifest and signature included. */
  files: string[];
  manifest: Manifest;
  result: EvidenceResult;
}

/**
 * Writes a run directory: the reporters' outputs over the prepared (masked, privacy-scanned) result,
 * then the evidence files and the manifest, signed when a key is given.
 * @example await writeRunDirectory(await runDemo(), [jsonReporter(), htmlReporter()], 'reports/demo', { signKey });
 */
export async function writeRunDirectory(result: RunResult, reporters: Reporter[], dir: string, opts: WriteOptions = {}): Promise<WrittenRun> {
  await assertUsableOutDir(dir);
  await mkdir(dir, { recursive: true });
  await clearPreviousRun(dir);
  const prepared = prepareResult(result);
  for (const r of reporters) await r.write(prepared, dir);

  const journal = buildJournal(prepared);
  const put = (name: string, text: string) => writeFile(join(dir, name), text);
  const harness = { name: 'ics-conformance' as const, version: VERSION, node: process.version };
  // results.json is always part of the evidence, whichever reporters were picked (same bytes as the json reporter's).
  await put(BUNDLE_FILES.results, JSON.stringify(prepared, null, 2) + '\n');
  await put(BUNDLE_FILES.journal, journal.text);
  await put(BUNDLE_FILES.statement, JSON.stringify(prepared.statement, null, 2) + '\n');
  await put(BUNDLE_FILES.catalogue, JSON.stringify({ catalogueVersion: CATALOGUE_VERSION, requirements: REQUIREMENTS }, null, 2) + '\n');
  await put(
    BUNDLE_FILES.harness,
    JSON.stringify(
      {
        ...harness,
        platform: `${process.platform}-${process.arch}`,
        catalogueVersion: CATALOGUE_VERSION,
        resultSchemaVersion: RESULT_SCHEMA_VERSION,
        bundleFormatVersion: BUNDLE_FORMAT_VERSION,
      },
      null,
      2,
    ) + '\n',
  );
  await put(BUNDLE_FILES.schema, JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', ...RunResultSchema }, null, 2) + '\n');

  const { files } = await listFiles(dir);
  const entries: ManifestFile[] = [];
  for (const f of files) {
    if (f === MANIFEST_FILE || f === SIGNATURE_FILE) continue;
    const bytes = await readFile(join(dir, f));
    entries.push({ path: f, sha256: sha256(bytes), bytes: bytes.byteLength });
  }
  const manifest: Manifest = {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    harness,
    catalogueVersion: prepared.catalogueVersion,
    resultSchemaVersion: prepared.schemaVersion,
    run: { id: prepared.run.id, startedAt: prepared.run.startedAt, finishedAt: prepared.run.finishedAt, mode: prepared.run.mode },
    sut: { vendor: prepared.sut.vendor, product: prepared.sut.product, version: prepared.sut.version },
    identity: manifestIdentity(prepared),
    statement: { file: BUNDLE_FILES.statement, sha256: statementDigest(prepared.statement) },
    verdict: { verdict: prepared.summary.verdict, exitCode: prepared.summary.exitCode },
    journal: { file: JOURNAL_FILE, entries: journal.entries, head: journal.head },
    files: entries,
  };
  const manifestBytes = Buffer.from(manifestText(manifest));
  await writeFile(join(dir, MANIFEST_FILE), manifestBytes);
  const written = [...entries.map((e) => e.path), MANIFEST_FILE];
  if (opts.signKey) {
    await put(SIGNATURE_FILE, signatureText(signManifest(manifestBytes, opts.signKey)));
    written.push(SIGNATURE_FILE);
  }
  return { dir, files: written, manifest, result: prepared };
}
