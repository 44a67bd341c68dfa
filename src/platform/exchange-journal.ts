/** The journal entry of an exchange (the pipeline's last stage): what was sent, what was answered, the verdict. */
import type { BodyRef, CoreRequest, CoreResponse, RouteDef } from './http.js';
import type { Problem } from './problem.js';
import { BODY_REF, maskHeaders, RAW_BODY, RAW_RESPONSE, SERVER_JOURNAL, type Journal, type NewJournalEntry } from './journal.js';
import type { Client, Fault, SessionContext } from './sessions.js';
import { incompleteItem } from './body.js';
import { describeFault } from './faults.js';

/** The request's body as the pipeline saw it: parsed (or the text that failed to parse), as sent, and where the service stored it. */
export interface Seen {
  body?: unknown;
  text?: string;
  /** The body was valid, but only its text is here (it was prepared on the worker). */
  lazy?: boolean;
  ref?: BodyRef;
}

/**
 * Journals a national-service exchange (`national`: the route is a service's) in its session, or in
 * the server's journal when refused before a token named one; a streamed answer once it has ended.
 */
export function journalExchange(
  journal: Journal,
  national: boolean,
  route: RouteDef,
  req: CoreRequest,
  response: CoreResponse,
  m: {
    at: string;
    started: number;
    client: Client | undefined;
    session: SessionContext | undefined;
    practitionerId: string | undefined;
    seen: Seen;
    fault: Fault | undefined;
  },
): CoreResponse {
  const { at, started, client, session, practitionerId, seen, fault } = m;
  const requestBody = seen.body;
  // A national-API request refused before its token named a session (none, unknown, or only in the
  // query string) belongs to no session: the server's journal keeps it (docs/decisions/0049).
  const sessionId = session?.id ?? (national && route.auth.kind !== 'none' ? SERVER_JOURNAL : undefined);
  if (sessionId !== undefined && national) {
    // Field by field, not spreads of optional parts: this runs for every exchange.
    const entry: NewJournalEntry = {
      sessionId,
      at,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
      service: route.service,
      operationId: route.operationId,
      method: route.method,
      path: req.path,
      query: req.query,
      requestHeaders: maskHeaders(req.headers),
      status: response.status,
      verdict: verdictOf(response, fault),
    };
    if (client) entry.clientId = client.id;
    if (practitionerId) entry.practitionerId = practitionerId;
    // A body kept as text only (a preparer's route): parsed when first read, in-process subscribers included.
    if (seen.lazy && seen.text !== undefined) lazyRequestBody(entry, seen.text);
    else if (requestBody !== undefined) entry.requestBody = requestBody;
    // The text the body parsed from: the journal stores it as is rather than serialising the body again.
    if (seen.text !== undefined) entry[RAW_BODY] = seen.text;
    // Or no text at all: the service keeps the body, and the journal the reference to it.
    if (seen.ref !== undefined) entry[BODY_REF] = seen.ref;
    if (response.body !== undefined) {
      entry.responseBody = response.body;
      if (response.json !== undefined) entry[RAW_RESPONSE] = response.json;
      if (isProblem(response.body) && response.body.errors) entry.problems = response.body.errors;
    }
    if (fault) entry.fault = describeFault(fault);
    if (response.stream) {
      // Journal the bulk exchange once its streamed answer has been produced.
      response.stream = journalAfter(response.stream, (summary, cutShort) => {
        const durationMs = Math.round(performance.now() - started);
        if (cutShort === undefined) return journal.record({ ...entry, responseBody: summary, durationMs });
        // Lines answered before the cut stand (their results were sent); the exchange itself did not finish.
        journal.record({
          ...entry,
          verdict: 'rejected',
          problems: [incompleteItem(cutShort, route.requirement)],
          responseBody: { ...summary, incomplete: cutShort },
          durationMs,
        });
      });
    } else {
      journal.record(entry);
    }
  }
  return response;
}

/** entry.requestBody as an accessor that parses the text the first time it is read (enumerable, like the value it stands for). */
function lazyRequestBody(entry: object, text: string): void {
  let value: unknown;
  let parsed = false;
  Object.defineProperty(entry, 'requestBody', {
    enumerable: true,
    configurable: true,
    get() {
      if (!parsed) {
        value = JSON.parse(text) as unknown;
        parsed = true;
      }
      return value;
    },
    set(v: unknown) {
      value = v;
      parsed = true;
    },
  });
}

function verdictOf(r: CoreResponse, f: Fault | undefined): 'accepted' | 'rejected' | 'fault' | 'error' {
  if (f && (f.kind !== 'latency' || r.drop)) return 'fault';
  if (r.status >= 500) return 'error';
  if (r.status >= 400) return 'rejected';
  return 'accepted';
}

function isProblem(v: unknown): v is Problem {
  return typeof v === 'object' && v !== null && 'code' in v && 'status' in v;
}

async function* journalAfter(
  stream: AsyncIterable<string>,
  done: (summary: { streamed: true; lines: number; failed: number }, cutShort?: string) => void,
): AsyncIterable<string> {
  let lines = 0;
  let failed = 0;
  // Left set unless the answer is produced to its end: the client went away, or stopped reading.
  let cutShort: string | undefined = 'the client stopped reading the answer';
  try {
    for await (const chunk of stream) {
      // A chunk is a batch of result lines, not one line: count the lines and the refusals in it.
      for (let i = chunk.indexOf('\n'); i >= 0; i = chunk.indexOf('\n', i + 1)) lines++;
      for (let i = chunk.indexOf('"ok":false'); i >= 0; i = chunk.indexOf('"ok":false', i + 1)) failed++;
      yield chunk;
    }
    cutShort = undefined;
  } catch (err) {
    cutShort = `the upload ended before its last line (${(err as Error).message})`;
    throw err;
  } finally {
    done({ streamed: true, lines, failed }, cutShort);
  }
}
