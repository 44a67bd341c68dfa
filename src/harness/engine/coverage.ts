/** Requirement coverage: the rules that keep the catalogue, the suites and the mocks in step. */
import type { Requirement, Suite } from './types.js';

export function catalogueProblems(requirements: Requirement[], suites: Suite[], citedElsewhere: Array<{ id: string; where: string }> = []): string[] {
  const problems: string[] = [];
  const ids = new Map(requirements.map((r) => [r.id, r]));
  const seen = new Set<string>();
  for (const r of requirements) {
    if (seen.has(r.id)) problems.push(`${r.id} is defined twice`);
    seen.add(r.id);
  }
  const tested = new Set<string>();
  for (const s of suites)
    for (const t of s.tests)
      for (const id of t.requirements) {
        if (!ids.has(id)) problems.push(`${s.id}/${t.id} cites unknown requirement ${id}`);
        else if (ids.get(id)!.appliesTo !== 'sut')
          problems.push(`${s.id}/${t.id} cites ${id}, a requirement on the mock services, not on the system under test`);
        tested.add(id);
      }
  for (const c of citedElsewhere) if (!ids.has(c.id)) problems.push(`${c.where} cites unknown requirement ${c.id}`);
  for (const r of requirements) {
    if (r.appliesTo === 'sut' && r.level === 'MUST' && !tested.has(r.id) && !r.noTestReason)
      problems.push(`MUST requirement ${r.id} has neither a test nor a reason why none is possible`);
    if (r.noTestReason && !tested.has(r.id)) problems.push(`${r.id} has no automated test, so it needs an attestation step in a suite`);
    if (r.appliesTo === 'service' && !(r.verifiedBy ?? []).length) problems.push(`service requirement ${r.id} names no test that verifies it`);
  }
  return problems;
}
