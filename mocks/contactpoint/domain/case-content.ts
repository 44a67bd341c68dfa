/**
 * ContactPoint holds who is involved, never why. Closed schemas keep out case-content fields; this
 * catches case content smuggled into the free-text fields that remain (role, organisation, team name,
 * school name). The terms describe case content, not services: "Assessment Team" is a team's name,
 * "referred because of neglect" is a reason.
 */
const CASE_TERMS =
  /\b(case ?notes?|notes?:|diagnos\w*|medical (condition|history|records?|notes?|needs?)|medication|prescri\w*|disorder|illness|abuse[ds]?|abusive|neglect\w*|self[- ]?harm\w*|overdos\w*|pregnan\w*|termination|exam(ination)? results?|gcse|a[- ]levels?|grades?|allegation\w*|concerns? (about|over|for|re)|reasons? for|referr(ed|al) (for|because|due)|because|due to|at risk|risk of|domestic violence|offen[cs]es?|conviction\w*|arrest\w*|sexual activity|substance use|drug use|alcohol use)\b/i;

export interface CaseContentFinding {
  path: string;
  term: string;
}

/** Returns the first case-content term found in each of the given [path, text] pairs. */
export function findCaseContent(fields: Array<[string, string | undefined]>): CaseContentFinding[] {
  const out: CaseContentFinding[] = [];
  for (const [path, text] of fields) {
    if (!text) continue;
    const m = CASE_TERMS.exec(text);
    if (m) out.push({ path, term: m[0] });
  }
  return out;
}
