/**
 * Reading a request body: its content type, its size limit, its time limit, UTF-8, and the Node
 * stream mechanics that make reading a small message cheap (the pipeline's parse stage).
 */
import { isUtf8 } from 'node:buffer';
import type { CoreRequest } from './http.js';
import { ProblemError, type ProblemItem } from './problem.js';

/** The most of a body's text a journal entry keeps when the body is refused. */
export const JOURNAL_TEXT_LIMIT = 64 * 1024;

export function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export async function* replay(text: string): AsyncIterable<Uint8Array> {
  yield Buffer.from(text, 'utf8');
}

export function checkContentType(req: CoreRequest, expected: string, requirement: string): void {
  const ct = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const ok = ct === expected || (expected === 'application/json' && /^application\/[a-z0-9.+-]*\+json$/.test(ct));
  if (!ok)
    throw new ProblemError('ICS_ERR_HTTP_MEDIA_TYPE', {
      detail: `Content-Type must be ${expected}, got ${ct ? `"${ct}"` : 'none'}`,
      errors: [{ path: 'header:content-type', rule: 'content-type', requirement, message: `expected ${expected}` }],
    });
  // The interface takes bodies as sent (chunked or not), never compressed: say so rather than fail to parse them.
  const encoding = (req.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (encoding && encoding !== 'identity')
    throw new ProblemError('ICS_ERR_HTTP_MEDIA_TYPE', {
      detail: `Content-Encoding "${encoding.slice(0, 40)}" is not accepted: send the body uncompressed`,
      errors: [{ path: 'header:content-encoding', rule: 'content-encoding', requirement, message: 'bodies are not compressed (identity only)' }],
    });
}

export async function readLimited(body: AsyncIterable<Uint8Array> | null, limit: number, requirement: string, timeoutMs?: number): Promise<string> {
  if (!body) return '';
  // Node streams (the express adapter) are read through their events: an async iterator per request
  // costs more than the rest of reading a 1 KiB message.
  if (isEventStream(body)) {
    // The pipeline starts while node's parser is still in the request's head; a body that came with
    // it is all buffered once that read is done, a turn of microtasks later: taken whole, without
    // the four listeners (a tenth of reading a message).
    if (body.complete === false) await Promise.resolve();
    return takeWhole(body, limit, requirement) ?? readEvents(body, limit, requirement, timeoutMs);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > limit) throw tooLarge(limit, requirement);
    chunks.push(chunk);
  }
  return decodeChunks(chunks, size, requirement);
}

function tooLarge(limit: number, requirement: string): ProblemError {
  return new ProblemError('ICS_ERR_HTTP_TOO_LARGE', {
    detail: `Body over ${limit} bytes`,
    errors: [{ path: '', rule: 'max-body-size', requirement, message: `body over ${limit} bytes` }],
  });
}

function timedOut(timeoutMs: number, requirement: string): ProblemError {
  return new ProblemError('ICS_ERR_HTTP_TIMEOUT', {
    detail: `The body did not arrive whole within ${timeoutMs} ms`,
    errors: [{ path: '', rule: 'body-timeout', requirement, message: `body not complete within ${timeoutMs} ms` }],
  });
}

/** The client went away mid-body: a refusal to journal, not a fault of the mock's. */
function incomplete(detail: string, requirement: string): ProblemError {
  return new ProblemError('ICS_ERR_HTTP_INCOMPLETE', { detail, errors: [incompleteItem(detail, requirement)] });
}

export function incompleteItem(message: string, requirement: string): ProblemItem {
  return { path: '', rule: 'complete-body', requirement, message };
}

/** One chunk (the usual message) is decoded in place; several are joined first. */
function decodeChunks(chunks: Uint8Array[], size: number, requirement: string): string {
  if (chunks.length === 1) {
    const c = chunks[0]!;
    return utf8Text(Buffer.from(c.buffer, c.byteOffset, c.byteLength), requirement);
  }
  return utf8Text(Buffer.concat(chunks, size), requirement);
}

/**
 * The body as text, refused when it is not UTF-8 (RFC 8259): decoding would store U+FFFD in place of
 * what was sent, and the stored message would not be the one the client sent.
 */
function utf8Text(buf: Buffer, requirement: string): string {
  if (!isUtf8(buf))
    throw new ProblemError('ICS_ERR_HTTP_MALFORMED_JSON', {
      detail: 'The body is not valid UTF-8',
      errors: [{ path: '', rule: 'utf-8', requirement, message: 'JSON must be sent as UTF-8; the body has bytes that are not' }],
    });
  return buf.toString('utf8');
}

interface EventStream extends AsyncIterable<Uint8Array> {
  on(event: string, listener: (...args: never[]) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
  resume(): unknown;
  readableEnded?: boolean;
  /** node's IncomingMessage: the parser has the whole message. */
  complete?: boolean;
  readableLength?: number;
  readableFlowing?: boolean | null;
  destroyed?: boolean;
  headers?: Record<string, string | string[] | undefined>;
  read?(): Uint8Array | null;
}

/** The whole body at once, when node's parser has it all and nothing has read it yet; else undefined. */
function takeWhole(s: EventStream, limit: number, requirement: string): string | undefined {
  if (s.destroyed || s.readableEnded || s.readableFlowing !== null || typeof s.read !== 'function') return undefined;
  const n = s.readableLength ?? 0;
  // Complete, or every byte its Content-Length declares is buffered: node runs microtasks between
  // the parser's callbacks, so a body that came in the same read as the head is often all here
  // before the parser has marked the message complete (so under load, nearly always).
  if (s.complete !== true && !(n > 0 && Number(s.headers?.['content-length']) === n)) return undefined;
  // Past the limit: the event path answers 413 (and the adapter closes the connection rather than read the rest).
  if (n > limit) return undefined;
  const chunk = s.read();
  // read() returns every buffered byte when it is all there; should it not have, read the rest by events.
  if ((chunk?.byteLength ?? 0) !== n) return undefined;
  return chunk ? utf8Text(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength), requirement) : '';
}

function isEventStream(body: AsyncIterable<Uint8Array>): body is EventStream {
  const b = body as Partial<EventStream>;
  return typeof b.on === 'function' && typeof b.removeListener === 'function' && typeof b.resume === 'function';
}

function readEvents(s: EventStream, limit: number, requirement: string, timeoutMs?: number): Promise<string> {
  if (s.readableEnded) return Promise.resolve('');
  // A request whose client went away before its body was read can never produce one.
  if (s.destroyed) return Promise.reject(incomplete('the request closed before its body was read', requirement));
  return new Promise<string>((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    // A body trickled in a byte at a time would hold its socket and its buffer for as long as the client likes.
    const timer = timeoutMs ? setTimeout(() => settle(() => reject(timedOut(timeoutMs, requirement))), timeoutMs) : undefined;
    const settle = (fn: () => void) => {
      clearTimeout(timer);
      s.removeListener('data', onData);
      s.removeListener('end', onEnd);
      s.removeListener('error', onError);
      s.removeListener('close', onClose);
      fn();
    };
    const onData = (chunk: Uint8Array) => {
      size += chunk.byteLength;
      if (size > limit) {
        // The rest is not read: the adapter answers 413 and closes the connection (a client could send gigabytes).
        settle(() => reject(tooLarge(limit, requirement)));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () =>
      settle(() => {
        try {
          resolve(decodeChunks(chunks, size, requirement));
        } catch (err) {
          reject(err);
        }
      });
    // node's only errors on a request are the client going away ('aborted', ECONNRESET).
    const onError = (err: Error) => settle(() => reject(incomplete(`the request failed before its body ended (${err.message})`, requirement)));
    const onClose = () => settle(() => reject(incomplete('the request closed before its body ended', requirement)));
    s.on('data', onData);
    s.on('end', onEnd);
    s.on('error', onError);
    s.on('close', onClose);
  });
}

/** A faulted request is still journalled with what it carried, so retries can be compared with it. */
export async function bodyForJournal(req: CoreRequest, limit: number, requirement: string): Promise<unknown> {
  try {
    const text = await readLimited(req.body, limit, requirement);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text.slice(0, JOURNAL_TEXT_LIMIT);
    }
  } catch {
    return undefined;
  }
}
