/**
 * The one rule for text from the system under test (or from a bundle someone handed us) on its way to
 * a terminal: escape and control sequences are removed, not escaped, and the text is cut to a length.
 * A vendor name can then neither clear the screen, set the window title, plant an OSC 8 link, move
 * the cursor, nor start a line of its own (a fake "PASS (exit 0)"). `run`, `verify` and `diff` all
 * print through it (decision 0011).
 */

/** Longest SUT-supplied field printed (characters); reports keep the whole value. */
export const TERMINAL_FIELD_MAX = 120;

/* eslint-disable no-control-regex -- matching control characters is this module's purpose */
// OSC (incl. OSC 8 links and window titles), DCS, SOS, PM and APC run to a terminator (BEL or ST) or
// the end of the text; CSI to its final byte; the rest are two-character escapes. 8-bit forms too.
const STRING_SEQUENCE = /(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[\s\S]*?(?:\x07|\x1b\\|\x9c|$)/g;
const CSI = /(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?/g;
const ESCAPE = /\x1b[ -/]*[0-~]?/g;
// Line breaks become spaces, so nothing starts a line of its own; every other C0/C1 control, DEL,
// and the bidirectional overrides and isolates (which reorder what is shown) are dropped.
const LINE_BREAKS = /[\n\r\v\f\u0085\u2028\u2029]+/g;
const CONTROLS = /[\x00-\x08\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/* eslint-enable no-control-regex */

/**
 * Terminal-safe text: no escape or control sequence, one line, at most `max` characters.
 * @example terminalSafe('Acme\x1b]0;pwned\x07 ICS\x1b[2J\nPASS (exit 0)') // 'Acme ICS PASS (exit 0)'
 */
export function terminalSafe(value: unknown, max = TERMINAL_FIELD_MAX): string {
  let s = typeof value === 'string' ? value : value === undefined ? '' : safeString(value);
  // Cut before the expensive passes: a 100 MB vendor name costs no more than a short one.
  if (s.length > max * 8 + 64) s = s.slice(0, max * 8 + 64);
  s = s.replace(STRING_SEQUENCE, '').replace(CSI, '').replace(ESCAPE, '').replace(LINE_BREAKS, ' ').replace(/\t/g, ' ').replace(CONTROLS, '');
  const chars = [...s];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : s;
}

/** A whole line we composed: controls out, length kept (its fields were cut by terminalSafe already). */
export function terminalLine(line: string): string {
  return terminalSafe(line, Number.MAX_SAFE_INTEGER);
}

/** Every line of a text we composed, each made safe; the line breaks between them kept. */
export function terminalText(text: string): string {
  return text
    .split('\n')
    .map((l) => terminalSafe(l, Number.MAX_SAFE_INTEGER))
    .join('\n');
}

function safeString(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}
