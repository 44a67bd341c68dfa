/**
 * ContactPoint holds who is involved, never why. Closed schemas keep out case-content fields; this
 * catches case content smuggled into the free-text fields that remain (role, organisation, team name,
 * school name). The terms describe case content, not services: "Assessment Team" is a team's name,
 * "referred because of neglect" is a reason.
 */
// One alternative per term, so the list reads (and diffs) as a list; joined into one case-insensitive word match.
const CASE_TERM_LIST = [
  String.raw`case ?notes?`,
  String.raw`notes?:`,
  String.raw`diagnos\w*`,
  String.raw`medical (condition|history|records?|notes?|needs?)`,
  String.raw`medication`,
  String.raw`prescri\w*`,
  String.raw`disorder`,
  String.raw`illness`,
  String.raw`abuse[ds]?`,
  String.raw`abusive`,
  String.raw`neglect\w*`,
  String.raw`self[- ]?harm\w*`,
  String.raw`overdos\w*`,
  String.raw`pregnan\w*`,
  String.raw`termination`,
  String.raw`exam(ination)? results?`,
  String.raw`gcse`,
  String.raw`a[- ]levels?`,
  String.raw`grades?`,
  String.raw`allegation\w*`,
  String.raw`concerns? (about|over|for|re)`,
  String.raw`reasons? for`,
  String.raw`referr(ed|al) (for|because|due)`,
  String.raw`because`,
  String.raw`due to`,
  String.raw`at risk`,
  String.raw`risk of`,
  String.raw`domestic violence`,
  String.raw`offen[cs]es?`,
  String.raw`conviction\w*`,
  String.raw`arrest\w*`,
  String.raw`sexual activity`,
  String.raw`substance use`,
  String.raw`drug use`,
  String.raw`alcohol use`,
];
const CASE_TERMS = new RegExp(String.raw`\b(` + CASE_TERM_LIST.join('|') + String.raw`)\b`, 'i');

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
