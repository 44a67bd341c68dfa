/**
 * `serve`'s log of exchanges: one line (or one NDJSON object) per journalled exchange with the
 * national APIs, written from the journal's live feed (docs/decisions/0049). What a vendor sent
 * (the path, a problem's message, a client id) goes through the terminal sanitiser; the query
 * string, headers and bodies are never written, and anything shaped like a token is masked.
 */
import type { JournalEntry } from '../platform/journal.js';
import { SERVER_JOURNAL } from '../platform/journal.js';
import { terminalLine, terminalSafe } from '../platform/terminal.js';
import { maskSecrets } from '../harness/model/mask.js';

export type ExchangeLogFormat = 'text' | 'json';

/** The verdict as a vendor reads it: the journal's `rejected` is a refusal. */
const VERDICT_WORD: Record<JournalEntry['verdict'], string> = { accepted: 'accepted', rejected: 'refused', fault: 'fault', error: 'error' };

/** The log's view of an exchange: no headers, query or bodies. */
export interface ExchangeRecord {
  at: string;
  session: string | null;
  client: string | null;
  method: string;
  path: string;
  status: number;
  verdict: string;
  operationId: string;
  durationMs: number;
  code?: string;
  problem?: { path: string; rule: string; requirement: string; message: string };
  /** Problems beyond the first (listed in the journal). */
  moreProblems?: number;
  fault?: string;
  /** Where a credential was sent in the wrong place (its value is not kept): `query:access_token`. */
  masked?: string[];
}

export function exchangeRecord(e: JournalEntry): ExchangeRecord {
  const body = e.responseBody as { code?: unknown } | undefined;
  const code = e.status >= 400 && body && typeof body === 'object' && typeof body.code === 'string' ? body.code : undefined;
  const first = e.problems?.[0];
  const record: ExchangeRecord = {
    at: e.at,
    session: e.sessionId === SERVER_JOURNAL ? null : e.sessionId,
    client: e.clientId ?? null,
    method: e.method,
    path: e.path,
    status: e.status,
    verdict: VERDICT_WORD[e.verdict] ?? e.verdict,
    operationId: e.operationId,
    durationMs: e.durationMs,
  };
  if (code) record.code = code;
  if (first) record.problem = { path: first.path, rule: first.rule, requirement: first.requirement, message: first.message };
  const total = (e.problems?.length ?? 0) + Number((e.responseBody as { errorsOmitted?: unknown } | undefined)?.errorsOmitted ?? 0);
  if (total > 1) record.moreProblems = total - 1;
  if (e.fault) record.fault = e.fault;
  if (e.masked?.length) record.masked = e.masked;
  // A token echoed anywhere (a message quoting what was sent, a path) is masked before it is written.
  return maskSecrets(record);
}

/**
 * One line: method, path, status, verdict, then the code, requirement and first problem of a refusal.
 * @example formatExchange(e) // 'POST /contactpoint/v1/involvements 422 refused ICS_ERR_VALIDATION CP-FEED-003 /child/nhsNumber: fails the check digit (+1 more)'
 */
export function formatExchange(e: JournalEntry, format: ExchangeLogFormat): string {
  const r = exchangeRecord(e);
  if (format === 'json') return jsonLine(r);
  const parts = [r.method, terminalSafe(r.path, 200), String(r.status), r.verdict];
  if (r.code) parts.push(terminalSafe(r.code, 60));
  if (r.problem)
    parts.push(terminalSafe(r.problem.requirement, 40), `${terminalSafe(r.problem.path || '/', 80)}: ${terminalSafe(r.problem.message)}`);
  if (r.moreProblems) parts.push(`(+${r.moreProblems} more)`);
  if (r.fault) parts.push(`[fault: ${terminalSafe(r.fault, 60)}]`);
  if (r.masked) parts.push(`[credential sent in ${r.masked.map((m) => terminalSafe(m, 40)).join(', ')}: masked]`);
  if (r.session === null) parts.push('(no session)');
  return terminalLine(parts.join(' '));
}

/**
 * NDJSON that a terminal shows as plain text: JSON.stringify leaves C1 controls, DEL, the line
 * separators and bidirectional overrides as they are; they are escaped here (same JSON value).
 */
function jsonLine(r: ExchangeRecord): string {
  return JSON.stringify(r).replace(
    /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * Writes each exchange as it is journalled, batched per turn of the event loop so a busy server
 * makes one write a turn rather than one per request (a pipe to a terminal writes synchronously).
 */
export function logExchanges(
  subscribe: (listener: (e: JournalEntry) => void) => () => void,
  format: ExchangeLogFormat,
  write: (text: string) => void,
): () => void {
  let lines: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const text = lines.join('\n') + '\n';
    lines = [];
    write(text);
  };
  const off = subscribe((e) => {
    lines.push(formatExchange(e, format));
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  });
  return () => {
    off();
    if (lines.length > 0) flush();
  };
}
