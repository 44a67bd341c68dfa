/**
 * The demo accreditation run: mock services and the reference ICS started in-process, every suite,
 * over real HTTP both ways. Also the core of `run` when the mocks are started in-process.
 */
import { startServer } from '../../mock-server/server.js';
import { startReferenceIcs } from '../../../reference-ics/app.js';
import type { Variant } from '../../../reference-ics/variants.js';
import { ALL_SUITES } from '../../../suites/index.js';
import { withHardChildren } from '../../../suites/hard-children.js';
import { HttpDriver } from '../engine/driver.js';
import { MockClient } from '../engine/mock-client.js';
import { runSuites, type ProgressEvent } from '../engine/runner.js';
import type { RunResult } from '../model/result.js';
import type { Statement } from '../model/statement.js';
import type { Suite } from '../engine/types.js';
import { randomBytes } from 'node:crypto';
import { PROFILES, checkCapabilities, type SourceSystemType } from '../model/profiles.js';
import type { Capability } from '../engine/types.js';

/** Everything the reference system implements; a profile declares the part its kind of system can. */
const REFERENCE_CAPABILITIES: Capability[] = ['contactpoint-feed', 'local-ecaf', 'ecaf-transfer-out', 'ecaf-transfer-in', 'migration-export'];

/** The reference system, as the kind of source system `profile` names, declares every capability it implements that its kind can, and attests what no machine can check. */
export function referenceStatement(profile: SourceSystemType = 'ics'): Statement {
  return {
    vendor: 'ics-conformance project',
    product: profile === 'ics' ? 'Reference ICS' : `Reference ${profile} system`,
    version: '1.0.0',
    sourceSystemType: profile,
    capabilities: REFERENCE_CAPABILITIES.filter((c) => PROFILES[profile].capabilities.includes(c)),
    // The reference ICS sends at once and answers on loopback: a short quiet period is enough to know it has finished.
    timeouts: { messageMs: 2500, giveUpMs: 3000, quietMs: 100, sutRequestMs: 500 },
    // The outbox's budget: four attempts, then the message is reported failed.
    retry: { maxAttempts: 4 },
    attestations: [
      {
        requirement: 'SEC-TLS-001',
        answer: 'yes',
        note: 'The reference ICS is a loopback test build; production deployments terminate TLS with certificate verification.',
        by: 'ics-conformance maintainers',
      },
      {
        requirement: 'CP-FEED-011',
        answer: 'yes',
        note: 'Initial load exercised by the bulk-feed tests of this project.',
        by: 'ics-conformance maintainers',
      },
    ],
  };
}

export async function runDemo(
  opts: {
    variants?: Variant[];
    suites?: Suite[];
    statement?: Statement;
    profile?: SourceSystemType;
    hardChildren?: boolean;
    onProgress?: (e: ProgressEvent) => void;
  } = {},
): Promise<RunResult> {
  const profile = opts.profile ?? opts.statement?.sourceSystemType ?? 'ics';
  const statement = opts.statement ?? referenceStatement(profile);
  checkCapabilities(statement.sourceSystemType, statement.capabilities);
  const controlToken = `ctl_${randomBytes(12).toString('hex')}`;
  const mocks = await startServer({ port: 0, controlToken });
  const sut = await startReferenceIcs({ port: 0, variants: opts.variants ?? [], profile });
  try {
    return await runSuites({
      statement,
      driver: new HttpDriver(sut.url),
      mock: new MockClient(mocks.url, controlToken),
      mockPublicUrl: mocks.url,
      // --hard-children: every feed scenario again over each kind of hard child (suites/hard-children.ts).
      suites: opts.hardChildren ? withHardChildren(opts.suites ?? ALL_SUITES) : (opts.suites ?? ALL_SUITES),
      catalogue: opts.hardChildren ? withHardChildren(ALL_SUITES) : ALL_SUITES,
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    });
  } finally {
    await sut.close();
    await mocks.close();
  }
}
