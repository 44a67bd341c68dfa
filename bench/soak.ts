/**
 * Soak (outside CI): mixed traffic against `ics-conformance serve --data FILE --journal-limit N` in a
 * child process for several minutes (5 by default): new, updated and repeated feed messages, lookups
 * (search and read), small bulk uploads and bad input. The server's RSS is sampled every 10 s with
 * the size of ContactPoint's in-memory indexes (control API stats), which grow with every child the
 * traffic adds (decision 0007). Memory is called flat when the last minute's mean RSS less the
 * indexes is within 15% of the second minute's: growth the data explains is not a leak. The journal
 * is kept small on purpose, so the control API must report the entries its retention limit dropped.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { involvementMessages } from '../fixtures/population.js';
import type { InvolvementMessage } from '../mocks/contactpoint/schemas.js';
import { memoryOf, serveMocks } from './lib/proc.js';
import { int, mib, renderTable, type Row } from './lib/table.js';

export interface SoakOptions {
  tmp: string;
  minutes: number;
  journalLimit: number;
  log: (line: string) => void;
  /** Concurrent clients. */
  concurrency?: number;
}

export interface SoakResult {
  minutes: number;
  journalLimit: number;
  requests: Record<string, Record<string, number>>;
  total: number;
  serverErrors: number;
  connectionErrors: number;
  samples: Sample[];
  earlyMeanRss: number;
  lateMeanRss: number;
  /** RSS less the directory's index bytes, late against early. */
  drift: number;
  flat: boolean;
  journal: { dropped: number; retentionLimit: number; oldestSeq: number };
  crashed: boolean;
  table: string;
}

type Sample = { t: number; rss: number; indexBytes: number; children: number };

const CONTROL = 'soak-control';
const FEED = '/contactpoint/v1/involvements';

type Kind =
  | 'feed-new'
  | 'feed-update'
  | 'feed-repeat'
  | 'search'
  | 'read'
  | 'bulk'
  | 'bad-json'
  | 'bad-type'
  | 'bad-check-digit'
  | 'no-credentials'
  | 'forbidden';
const MIX: Array<[Kind, number]> = [
  ['feed-new', 34],
  ['feed-update', 10],
  ['feed-repeat', 5],
  ['search', 15],
  ['read', 12],
  ['bulk', 2],
  ['bad-json', 5],
  ['bad-type', 4],
  ['bad-check-digit', 5],
  ['no-credentials', 4],
  ['forbidden', 4],
];

interface Answer {
  status: number;
  text: string;
}

export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const server = await serveMocks({ data: join(o.tmp, 'soak.sqlite'), controlToken: CONTROL, journalLimit: o.journalLimit });
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const base = new URL(server.url);
  const call = (method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = request({ host: base.hostname, port: base.port, method, path, headers, agent }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });

  const feedHeaders = { 'content-type': 'application/json', authorization: 'Bearer demo-ics' };
  const lookupHeaders = { authorization: 'Bearer demo-practitioner', 'practitioner-id': 'soak.practitioner' };
  const source = involvementMessages({ count: 5_000_000, seed: 5150 });
  const sent: InvolvementMessage[] = [];
  const children: string[] = [];
  const nextNew = (): InvolvementMessage => source.next().value as InvolvementMessage;
  const pick = <T>(a: T[]): T | undefined => a[Math.floor(Math.random() * a.length)];
  // Kept bounded: the soak watches the server's memory, not its own.
  const remember = <T>(a: T[], v: T) => (a.length < 20_000 ? a.push(v) : (a[Math.floor(Math.random() * a.length)] = v));
  const weights = MIX.reduce((s, [, w]) => s + w, 0);
  const choose = (): Kind => {
    let r = Math.random() * weights;
    for (const [k, w] of MIX) if ((r -= w) < 0) return k;
    return 'feed-new';
  };

  /** Sends one request of the kind (a feed message instead, until there is something to look up). */
  async function one(kind: Kind): Promise<Answer & { kind: Kind }> {
    const a = await send(kind);
    return { ...a, kind: a.kind ?? kind };
  }

  async function send(kind: Kind): Promise<Answer & { kind?: Kind }> {
    switch (kind) {
      case 'feed-new': {
        const msg = nextNew();
        const a = await call('POST', FEED, feedHeaders, JSON.stringify(msg));
        if (a.status === 202) {
          remember(sent, msg);
          const id = (JSON.parse(a.text) as { contactPointId?: string }).contactPointId;
          if (id) remember(children, id);
        }
        return a;
      }
      case 'feed-update': {
        const prev = pick(sent);
        if (!prev) return one('feed-new');
        const msg: InvolvementMessage = {
          ...prev,
          messageId: randomUUID(),
          sentAt: new Date(Date.parse(prev.sentAt) + 60_000).toISOString().replace('.000Z', 'Z'),
        };
        const a = await call('POST', FEED, feedHeaders, JSON.stringify(msg));
        if (a.status === 202) remember(sent, msg);
        return a;
      }
      case 'feed-repeat': {
        const prev = pick(sent);
        if (!prev) return one('feed-new');
        return call('POST', FEED, feedHeaders, JSON.stringify(prev));
      }
      case 'search': {
        const prev = pick(sent);
        if (!prev) return one('feed-new');
        const q = new URLSearchParams({ familyName: prev.child.name.family, dateOfBirth: prev.child.dateOfBirth });
        return call('GET', `/contactpoint/v1/children?${q}`, lookupHeaders);
      }
      case 'read': {
        const id = pick(children);
        if (!id) return one('feed-new');
        return call('GET', `/contactpoint/v1/children/${id}`, lookupHeaders);
      }
      case 'bulk': {
        let body = '';
        for (let i = 0; i < 200; i++) body += JSON.stringify(nextNew()) + '\n';
        body += '{"not":"a message"}\n';
        return call('POST', `${FEED}/bulk`, { 'content-type': 'application/x-ndjson', authorization: 'Bearer demo-ics' }, body);
      }
      case 'bad-json':
        return call('POST', FEED, feedHeaders, '{"messageId": "x", "child": {');
      case 'bad-type':
        return call('POST', FEED, { ...feedHeaders, 'content-type': 'text/plain' }, JSON.stringify(nextNew()));
      case 'bad-check-digit': {
        const msg = nextNew();
        const nhs = msg.child.identifiers.nhsNumber ?? '9990000018';
        const wrong = nhs.slice(0, 9) + String((Number(nhs[9]) + 1) % 10);
        return call(
          'POST',
          FEED,
          feedHeaders,
          JSON.stringify({ ...msg, child: { ...msg.child, identifiers: { ...msg.child.identifiers, nhsNumber: wrong } } }),
        );
      }
      case 'no-credentials':
        return call('POST', FEED, { 'content-type': 'application/json' }, JSON.stringify(nextNew()));
      case 'forbidden':
        return call('POST', FEED, { ...feedHeaders, authorization: 'Bearer demo-no-permissions' }, JSON.stringify(nextNew()));
    }
  }

  const requests: Record<string, Record<string, number>> = {};
  let total = 0;
  let serverErrors = 0;
  let connectionErrors = 0;
  let crashed = false;
  const deadline = Date.now() + o.minutes * 60_000;
  const samples: Sample[] = [];
  const t0 = Date.now();
  const sample = async () => {
    const m = memoryOf(server.pid);
    const t = Math.round((Date.now() - t0) / 1000);
    const answer = await call('GET', '/control/v1/stats', { authorization: `Bearer ${CONTROL}` }).catch(() => undefined);
    const stats = answer?.status === 200 ? (JSON.parse(answer.text) as { contactpoint: { indexBytes: number; children: number } }) : undefined;
    if (m && stats) samples.push({ t, rss: m.rss, indexBytes: stats.contactpoint.indexBytes, children: stats.contactpoint.children });
    return samples[samples.length - 1];
  };
  await sample();
  const sampler = setInterval(() => {
    void sample().then((last) => {
      if (last)
        o.log(
          `  soak ${String(last.t).padStart(4)} s: RSS ${mib(last.rss)} ` +
            `(indexes ${mib(last.indexBytes)}, ${int(last.children)} children), ${int(total)} requests, ${serverErrors} ` +
            `5xx, ${connectionErrors} connection errors`,
        );
    });
  }, 10_000);
  void server.exited.then(() => {
    if (Date.now() < deadline) crashed = true;
  });
  o.log(`soak: ${o.minutes} min of mixed traffic, ${o.concurrency ?? 16} clients, journal limit ${o.journalLimit}, against ${server.url}`);
  const worker = async () => {
    while (Date.now() < deadline && !crashed) {
      const chosen = choose();
      try {
        const a = await one(chosen);
        const byStatus = (requests[a.kind] ??= {});
        byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
        if (a.status >= 500) serverErrors++;
      } catch {
        const byStatus = (requests[chosen] ??= {});
        byStatus.error = (byStatus.error ?? 0) + 1;
        connectionErrors++;
      }
      total++;
    }
  };
  await Promise.all(Array.from({ length: o.concurrency ?? 16 }, worker));
  clearInterval(sampler);
  if (!crashed) await sample();

  const journalAnswer = crashed
    ? undefined
    : await call('GET', '/control/v1/sessions/default/journal?limit=1', { authorization: `Bearer ${CONTROL}` });
  const page = journalAnswer
    ? (JSON.parse(journalAnswer.text) as { entries: Array<{ seq: number }>; dropped: number; retentionLimit: number })
    : undefined;
  const health = crashed ? undefined : await call('GET', '/health', {});
  if (!health || health.status !== 200) crashed = true;
  agent.destroy();
  await server.stop();

  const durationS = o.minutes * 60;
  const w = Math.min(60, durationS / 5);
  const mean = (from: number, to: number, f: (x: Sample) => number) => {
    const s = samples.filter((x) => x.t >= from && x.t <= to);
    return s.length ? s.reduce((a, x) => a + f(x), 0) / s.length : NaN;
  };
  const earlyMeanRss = mean(w, 2 * w, (x) => x.rss);
  const lateMeanRss = mean(durationS - w, durationS + 5, (x) => x.rss);
  const unexplained = (x: Sample) => x.rss - x.indexBytes;
  const earlyRest = mean(w, 2 * w, unexplained);
  const lateRest = mean(durationS - w, durationS + 5, unexplained);
  const drift = lateRest / earlyRest - 1;
  const first = samples[0];
  const last = samples[samples.length - 1];
  const flat = Math.abs(drift) <= 0.15;
  const oldestSeq = page?.entries[0]?.seq ?? 0;
  const journal = { dropped: page?.dropped ?? 0, retentionLimit: page?.retentionLimit ?? 0, oldestSeq };

  const win = (a: number, b: number) => `${Math.round((a / 60) * 10) / 10}-${Math.round((b / 60) * 10) / 10} min`;
  const statusLine = (kind: string) =>
    Object.entries(requests[kind] ?? {})
      .sort()
      .map(([s, n]) => `${s}: ${int(n)}`)
      .join(', ');
  const rows: Row[] = [
    ...MIX.map(([kind]) => ({
      measure: 'soak traffic',
      subject: kind,
      result: int(Object.values(requests[kind] ?? {}).reduce((a, b) => a + b, 0)),
      detail: statusLine(kind),
      target: '',
      met: null,
    })),
    {
      measure: 'soak',
      subject: 'requests, 5xx, connection errors',
      result: int(total),
      detail: `${serverErrors} 5xx, ${connectionErrors} connection errors, server ${crashed ? 'CRASHED' : 'up (GET /health 200)'}`,
      target: 'no 5xx, no crash',
      met: serverErrors === 0 && !crashed,
    },
    {
      measure: 'soak memory',
      subject: `server RSS less the directory's indexes, mean ${win(durationS - w, durationS)} vs ${win(w, 2 * w)}`,
      result: `${mib(lateRest)} vs ${mib(earlyRest)}`,
      detail:
        `drift ${(drift * 100).toFixed(1)}%; RSS ${mib(lateMeanRss)} vs ${mib(earlyMeanRss)}; samples every 10 s, RSS ` +
        `(indexes) MiB: ${samples.map((x) => `${Math.round(x.rss / 2 ** 20)} (${Math.round(x.indexBytes / 2 ** 20)})`).join(' ')}`,
      target: 'within 15%',
      met: flat,
    },
    {
      measure: 'soak memory',
      subject: 'the directory: children held and index size',
      result: `${int(last?.children ?? 0)} children`,
      detail:
        first && last
          ? `indexes ${mib(first.indexBytes)} -> ${mib(last.indexBytes)} for ${int(first.children)} -> ${int(last.children)} children`
          : 'no samples',
      target: '',
      met: null,
    },
    {
      measure: 'soak journal',
      subject: `retention limit ${int(journal.retentionLimit)} per session`,
      result: `${int(journal.dropped)} dropped`,
      detail: `control API GET .../journal: oldest kept seq ${int(oldestSeq)}, dropped ${int(journal.dropped)}, retentionLimit ${int(journal.retentionLimit)}`,
      target: 'reports dropped > 0',
      met: journal.dropped > 0,
    },
  ];
  const table = renderTable(rows);
  return {
    minutes: o.minutes,
    journalLimit: o.journalLimit,
    requests,
    total,
    serverErrors,
    connectionErrors,
    samples,
    earlyMeanRss,
    lateMeanRss,
    drift,
    flat,
    journal,
    crashed,
    table,
  };
}
