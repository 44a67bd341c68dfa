/**
 * What the report-writing commands' handlers share: reporters, the signing key, the evidence bundle.
 * Heavy (reporters, evidence): handlers import it when they run. The options themselves are declared in
 * ./report-options.ts, which builders use and this re-exports.
 */
import { mkdir, readFile } from 'node:fs/promises';
import type { KeyObject } from 'node:crypto';
import type { Reporter } from '../harness/reporters/index.js';
import type { RunResult } from '../harness/model/result.js';
import { ConfigError } from '../harness/model/config-error.js';
import { prepareResult } from '../harness/model/prepare.js';
import { assertUsableOutDir, writeRunDirectory } from '../harness/evidence/bundle.js';
import { loadPrivateKey } from '../harness/evidence/signing.js';
import type { BundleArgs } from './report-options.js';

export { withReportOptions, withBundleOptions, type ReportArgs, type BundleArgs } from './report-options.js';

export { makeReporters } from '../harness/reporters/index.js';

/** Runs every reporter over the result (credentials masked, privacy scanned); returns the files written. */
export async function writeReports(result: RunResult, reporters: Reporter[], outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const prepared = prepareResult(result);
  const files: string[] = [];
  for (const r of reporters) files.push(...(await r.write(prepared, outDir)));
  return files;
}

/** Reads --sign-key; a missing or wrong key is a usage error, found before the run starts. */
export async function loadSignKey(path: string | undefined): Promise<KeyObject | undefined> {
  if (path === undefined) return undefined;
  // `--sign-key "$SECRET_FILE"` with the CI secret unset must not quietly yield an unsigned bundle.
  if (path.trim() === '')
    throw new ConfigError(
      '--sign-key is empty (an unset CI secret?): give the path of the PEM private key, or leave --sign-key out for an unsigned bundle',
    );
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`--sign-key ${path}: cannot read it (${(err as Error).message})`);
  }
  try {
    return loadPrivateKey(pem);
  } catch (err) {
    throw new ConfigError(`--sign-key ${path}: ${(err as Error).message}`);
  }
}

/** Checks before a run that its evidence can be written (the key reads; the directory holds no foreign files). */
export async function prepareBundle(args: BundleArgs, out: string | undefined): Promise<KeyObject | undefined> {
  const key = await loadSignKey(args['sign-key']);
  if (out) await assertUsableOutDir(out);
  return key;
}

/** Writes reports and the evidence bundle; prints where. */
export async function writeBundle(result: RunResult, reporters: Reporter[], out: string, signKey: KeyObject | undefined): Promise<string[]> {
  const written = await writeRunDirectory(result, reporters, out, signKey ? { signKey } : {});
  console.log(`Evidence bundle in ${out}/ (${written.files.length} files${signKey ? ', signed' : ''}): ${written.files.join(', ')}`);
  const findings = written.result.privacy?.findings.length ?? 0;
  if (findings) console.error(`Privacy: ${findings} identifier(s) in what the system sent look real (see ${out}/report.html#privacy).`);
  return written.files;
}
