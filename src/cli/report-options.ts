/**
 * Report and bundle options several commands share, declared once. Light on purpose: builders run for
 * --help and every command line, so this imports only the reporters' names, never their code.
 */
import type { Argv } from 'yargs';
import { REPORTER_NAMES, DEFAULT_REPORTERS } from '../harness/reporters/registry.js';

export interface ReportArgs {
  out?: string;
  reporter: string[];
}

export interface BundleArgs extends ReportArgs {
  'sign-key'?: string;
}

export function withReportOptions<T>(y: Argv<T>, defaultOut: string) {
  return y.option('out', { type: 'string', describe: `Directory for the reports and evidence (default ${defaultOut})` }).option('reporter', {
    type: 'array',
    string: true,
    choices: [...REPORTER_NAMES],
    default: DEFAULT_REPORTERS,
    describe: 'Reporters to run (several allowed)',
  });
}

/** Report options plus --sign-key, for commands that write an evidence bundle. */
export function withBundleOptions<T>(y: Argv<T>, defaultOut: string) {
  return withReportOptions(y, defaultOut).option('sign-key', {
    type: 'string',
    describe: "Ed25519 private key (PEM) to sign the bundle's manifest with (make one with `ics-conformance keygen`)",
  });
}
