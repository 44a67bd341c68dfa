/** The conformance engine's vocabulary: suites and tests over the result model's types (re-exported). */
import type { TestContext } from './context.js';
import type { Capability } from '../model/result-types.js';
import type { HardChildKind } from '../model/hard-children.js';

export * from '../model/result-types.js';

export interface TestDef {
  id: string;
  title: string;
  requirements: string[];
  /** Defaults to the suite's capability. */
  capability?: Capability;
  /** Mandatory tests of a declared capability cannot be deselected. Default true. */
  mandatory?: boolean;
  /** false: the scenario registers no child (a witnessed attestation), so run --hard-children does not re-run it. */
  overHardChildren?: false;
  /** Set on a feed scenario's re-run over a kind of hard child (suites/hard-children.ts); the result carries it. */
  hardChild?: HardChildKind;
  run(t: TestContext): Promise<void>;
}

export interface Suite {
  id: string;
  title: string;
  description: string;
  capability: Capability;
  tests: TestDef[];
}
