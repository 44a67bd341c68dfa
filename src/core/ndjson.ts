/** Streaming NDJSON: lines come out as the bytes come in, so a whole caseload never sits in memory. */
import { ProblemError } from './problem.js';

export interface Line {
  line: number;
  text: string;
  /** Set when the line was over the limit (its text is then empty). */
  tooLong?: boolean;
}

const encoder = new TextEncoder();

/** UTF-8 length of s over the limit? Exact, and cheap for the usual short line. */
function overLimit(s: string, maxBytes: number): boolean {
  if (s.length > maxBytes) return true;
  if (s.length * 3 <= maxBytes) return false;
  return encoder.encode(s).byteLength > maxBytes;
}

export async function* ndjsonLines(body: AsyncIterable<Uint8Array> | null, maxLineBytes: number): AsyncGenerator<Line> {
  if (!body) return;
  const decoder = new TextDecoder('utf-8', { fatal: false });
  let buf = '';
  let n = 0;
  let skipping = false;
  for await (const chunk of body) {
    buf += decoder.decode(chunk, { stream: true });
    // Lines are cut from one scan of the buffer; the remainder is kept once per chunk, not once per line.
    let start = 0;
    let i: number;
    while ((i = buf.indexOf('\n', start)) >= 0) {
      const text = buf.slice(start, i > start && buf.charCodeAt(i - 1) === 13 ? i - 1 : i);
      start = i + 1;
      n++;
      if (skipping || overLimit(text, maxLineBytes)) {
        // A whole line can arrive within one chunk: its length is checked here, not only while it streams in.
        skipping = false;
        yield { line: n, text: '', tooLong: true };
      } else if (text.trim() !== '') yield { line: n, text };
    }
    buf = buf.slice(start);
    if (buf.length > maxLineBytes) {
      // Drop the oversized line's bytes as they come; report it once its end arrives.
      buf = '';
      skipping = true;
    }
  }
  buf += decoder.decode();
  if (buf.endsWith('\r')) buf = buf.slice(0, -1);
  if (skipping || buf.trim() !== '') {
    n++;
    yield skipping || overLimit(buf, maxLineBytes) ? { line: n, text: '', tooLong: true } : { line: n, text: buf };
  }
}

export function tooLongProblem(maxLineBytes: number, requirement: string): ProblemError {
  return new ProblemError('ICS_ERR_HTTP_TOO_LARGE', {
    detail: `Line over ${maxLineBytes} bytes`,
    errors: [{ path: '', rule: 'max-line-size', requirement, message: `line over ${maxLineBytes} bytes` }],
  });
}
