import type { TestDef } from '../../src/harness/engine/types.js';

export const initialLoad: TestDef = {
  id: 'CP-FEED-011.initial-load',
  title: 'Initial load of the caseload through the bulk feed (witnessed)',
  requirements: ['CP-FEED-011'],
  mandatory: false,
  overHardChildren: false,
  async run(t) {
    t.step(
      "Run the initial load of the authority's caseload to POST /contactpoint/v1/involvements/bulk and show the per-line results to the accreditation officer.",
    );
    await t.attest(
      'CP-FEED-011',
      'Did the initial load go through the bulk feed with every line accepted (or every refusal explained and corrected)?',
    );
  },
};
