/** Streaming NDJSON: lines come out as the bytes come in, so a whole caseload never sits in memory. */
import { ProblemError } from './problem.js';

export interface Line {
  line: number;
  text: string;
  /** Set when the line was over the limit (its text is then empty). */
  tooLong?: boolean;
}

export async function* ndjsonLines(body: AsyncIterable<Uint8Array> | null, maxLineBytes: number): AsyncGenerator<Line> {
  if (!body) return;
  const decoder = new TextDecoder('utf-8', { fatal: false });
  let buf = '';
  let n = 0;
  let skipping = false;
  for await (const chunk of body) {
    buf += decoder.decode(chunk, { stream: true });
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const text = buf.slice(0, i);
      buf = buf.slice(i + 1);
      n++;
      if (skipping) {
        skipping = false;
        yield { line: n, text: '', tooLong: true };
      } else if (text.trim() !== '') yield { line: n, text: text.replace(/\r$/, '') };
    }
    if (buf.length > maxLineBytes) {
      // Drop the oversized line's bytes as they come; report it once its end arrives.
      buf = '';
      skipping = true;
    }
  }
  buf += decoder.decode();
  if (skipping || buf.trim() !== '') {
    n++;
    yield skipping ? { line: n, text: '', tooLong: true } : { line: n, text: buf.replace(/\r$/, '') };
  }
}

export function tooLongProblem(maxLineBytes: number, requirement: string): ProblemError {
  return new ProblemError('ICS_ERR_HTTP_TOO_LARGE', {
    detail: `Line over ${maxLineBytes} bytes`,
    errors: [{ path: '', rule: 'max-line-size', requirement, message: `line over ${maxLineBytes} bytes` }],
  });
}
