/** Streaming NDJSON: lines come out as the bytes come in, so a whole caseload never sits in memory. */
import { isUtf8 } from 'node:buffer';
import { ProblemError } from './problem.js';

export interface Line {
  line: number;
  text: string;
  /** Set when the line was over the limit (its text is then empty). */
  tooLong?: boolean;
  /** Set when the line's bytes are not UTF-8 (its text is then empty): decoding would have put U+FFFD in them. */
  badUtf8?: boolean;
}

/**
 * Lines are cut from the bytes (a newline byte never occurs inside a UTF-8 sequence), so each line's
 * bytes can be checked as UTF-8 before they are decoded. A line spread over several chunks keeps its
 * pieces and joins them once, at its end: a line sent a byte at a time costs no more than one sent whole.
 */
export async function* ndjsonLines(body: AsyncIterable<Uint8Array> | null, maxLineBytes: number): AsyncGenerator<Line> {
  if (!body) return;
  let pieces: Buffer[] = [];
  let pending = 0;
  let n = 0;
  let skipping = false;
  const lineOf = (bytes: Buffer): Line | undefined => {
    const end = bytes.length > 0 && bytes[bytes.length - 1] === 13 ? bytes.length - 1 : bytes.length;
    const b = end === bytes.length ? bytes : bytes.subarray(0, end);
    if (b.length > maxLineBytes) return { line: n, text: '', tooLong: true };
    if (!isUtf8(b)) return { line: n, text: '', badUtf8: true };
    const text = b.toString('utf8');
    return text.trim() === '' ? undefined : { line: n, text };
  };
  for await (const chunk of body) {
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    let i: number;
    while ((i = buf.indexOf(10, start)) >= 0) {
      n++;
      const part = buf.subarray(start, i);
      start = i + 1;
      if (skipping) {
        // A whole line can arrive within one chunk: its length is checked here, not only while it streams in.
        skipping = false;
        pieces = [];
        pending = 0;
        yield { line: n, text: '', tooLong: true };
        continue;
      }
      const bytes = pieces.length === 0 ? part : Buffer.concat([...pieces, part], pending + part.length);
      pieces = [];
      pending = 0;
      const l = lineOf(bytes);
      if (l) yield l;
    }
    if (skipping || start === buf.length) continue;
    const tail = buf.subarray(start);
    if (pending + tail.length > maxLineBytes) {
      // Drop the oversized line's bytes as they come; report it once its end arrives.
      pieces = [];
      pending = 0;
      skipping = true;
      continue;
    }
    pieces.push(tail);
    pending += tail.length;
  }
  if (skipping) {
    n++;
    yield { line: n, text: '', tooLong: true };
  } else if (pending > 0) {
    n++;
    const l = lineOf(Buffer.concat(pieces, pending));
    if (l) yield l;
  }
}

export function badUtf8Problem(requirement: string): ProblemError {
  return new ProblemError('ICS_ERR_HTTP_MALFORMED_JSON', {
    detail: 'The line is not valid UTF-8',
    errors: [{ path: '', rule: 'utf-8', requirement, message: 'NDJSON must be sent as UTF-8; the line has bytes that are not' }],
  });
}

export function tooLongProblem(maxLineBytes: number, requirement: string): ProblemError {
  return new ProblemError('ICS_ERR_HTTP_TOO_LARGE', {
    detail: `Line over ${maxLineBytes} bytes`,
    errors: [{ path: '', rule: 'max-line-size', requirement, message: `line over ${maxLineBytes} bytes` }],
  });
}
