/** The conformance engine's vocabulary: suites and tests over the result model's types (re-exported). */
import type { TestContext } from './context.js';
import type { Capability } from './result-types.js';

export * from './result-types.js';

export interface TestDef {
  id: string;
  title: string;
  requirements: string[];
  /** Defaults to the suite's capability. */
  capability?: Capability;
  /** Mandatory tests of a declared capability cannot be deselected. Default true. */
  mandatory?: boolean;
  run(t: TestContext): Promise<void>;
}

export interface Suite {
  id: string;
  title: string;
  description: string;
  capability: Capability;
  tests: TestDef[];
}
