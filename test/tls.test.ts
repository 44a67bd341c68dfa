/**
 * Mutual TLS mode over real HTTPS: the generated test PKI, the pipeline's certificate checks on the
 * national APIs (problem+json, journalled), the control API and meta routes without certificates,
 * and `serve --tls DIR` as a user runs it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpsRequest } from 'node:https';
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, type RunningServer } from '../src/mock-server/server.js';
import { demoClients } from '../src/mock-server/mock.js';
import { ensureTestPki, TEST_CA_NAME, type PkiFiles } from '../src/mock-server/tls/pki.js';
import { involvement } from './support/messages.js';
import { CONTROL } from './support/server.js';
import { ensureBuilt, BIN, ROOT } from './support/build.js';

/** Paths of a client certificate and its key. */
interface Identity {
  cert: string;
  key: string;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** One request on a fresh connection (no pooled socket carries another identity's certificate). */
function call(
  url: string,
  ca: string,
  method: string,
  path: string,
  opts: { identity?: Identity; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (payload !== undefined) headers['content-type'] = 'application/json';
  const identity = opts.identity ? { cert: readFileSync(opts.identity.cert), key: readFileSync(opts.identity.key) } : {};
  return new Promise((resolve, reject) => {
    const req = httpsRequest(new URL(path, url), { method, headers, ca, agent: false, ...identity }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode!, headers: res.headers, body: /json/.test(res.headers['content-type'] ?? '') ? JSON.parse(text) : text });
        } catch (err) {
          reject(err);
        }
      });
    });
    req.once('error', reject);
    req.end(payload);
  });
}

let dir: string;
let foreignDir: string;
let files: PkiFiles;
let foreign: PkiFiles;
let ca: string;
let srv: RunningServer;
const id = (client: string, pki: PkiFiles = files): Identity => ({ cert: pki.clients[client]!.cert, key: pki.clients[client]!.key });
const cp = (method: string, path: string, opts: Parameters<typeof call>[4] = {}) => call(srv.url, ca, method, path, opts);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ics-tls-'));
  foreignDir = await mkdtemp(join(tmpdir(), 'ics-tls-foreign-'));
  files = (await ensureTestPki(dir, { clientIds: demoClients().map((c) => c.id) })).files;
  // Another CA issuing a certificate with the very same name: only the chain tells them apart.
  foreign = (await ensureTestPki(foreignDir, { clientIds: ['ics'] })).files;
  ca = await readFile(files.ca, 'utf8');
  srv = await startServer({ port: 0, demoSession: true, controlToken: CONTROL, tls: { dir } });
});

afterAll(async () => {
  await srv?.close();
  await rm(dir, { recursive: true, force: true });
  await rm(foreignDir, { recursive: true, force: true });
});

const expectRefusal = (res: Answer, status: number, code: string, rule: string) => {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.code).toBe(code);
  expect(res.body.requirement).toBe('SEC-AUTH-001');
  expect(res.body.errors).toEqual([expect.objectContaining({ path: 'tls:client-certificate', rule, requirement: 'SEC-AUTH-001' })]);
};

describe('test PKI', () => {
  it('has a self-signed test CA, a loopback server certificate and one client certificate per client, keys private', async () => {
    const caCert = new X509Certificate(ca);
    expect(caCert.subject).toContain(`CN=${TEST_CA_NAME}`);
    expect(caCert.ca).toBe(true);
    expect(caCert.verify(caCert.publicKey)).toBe(true);
    expect(caCert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');

    const server = new X509Certificate(await readFile(files.server, 'utf8'));
    expect(server.checkIssued(caCert) && server.verify(caCert.publicKey)).toBe(true);
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.ca).toBe(false);

    for (const c of demoClients()) {
      const cert = new X509Certificate(await readFile(files.clients[c.id]!.cert, 'utf8'));
      expect(cert.verify(caCert.publicKey), c.id).toBe(true);
      expect(cert.subjectAltName).toBe(`URI:urn:ics-conformance:client:${c.id}`);
      expect(cert.subject).toContain(`CN=${c.id}`);
      expect((await stat(files.clients[c.id]!.key)).mode & 0o777, c.id).toBe(0o600);
    }
    expect((await stat(files.serverKey)).mode & 0o777).toBe(0o600);
    expect((await stat(files.caKey)).mode & 0o777).toBe(0o600);
    // The other directory is another CA: its certificate does not chain to this one.
    expect(new X509Certificate(await readFile(foreign.clients.ics!.cert, 'utf8')).verify(caCert.publicKey)).toBe(false);
  });

  it('reuses a directory: nothing rewritten; a new client is issued by the same CA; a foreign CA is never overwritten', async () => {
    const before = await readFile(files.clients.ics!.cert, 'utf8');
    const again = await ensureTestPki(dir, { clientIds: demoClients().map((c) => c.id) });
    expect(again.written).toEqual([]);
    expect(await readFile(files.clients.ics!.cert, 'utf8')).toBe(before);

    const more = await ensureTestPki(dir, { clientIds: ['ics', 'new-system'], hosts: ['localhost'] });
    expect(more.written).toEqual([more.files.clients['new-system']!.cert, more.files.clients['new-system']!.key]);
    expect(await readFile(files.ca, 'utf8')).toBe(ca);
    const issued = new X509Certificate(await readFile(more.files.clients['new-system']!.cert, 'utf8'));
    expect(issued.verify(new X509Certificate(ca).publicKey)).toBe(true);

    // A server certificate that does not name a requested host is issued again.
    const withHost = await ensureTestPki(dir, { clientIds: [], hosts: ['ics.test'] });
    expect(withHost.written).toEqual([files.server, files.serverKey]);
    expect(new X509Certificate(await readFile(files.server, 'utf8')).checkHost('ics.test')).toBe('ics.test');

    await expect(ensureTestPki(dir, { clientIds: ['../escape'] })).rejects.toThrow(/cannot name a certificate file/);
  });
});

describe('mutual TLS on the national APIs', () => {
  it("a trusted certificate with its own client's token is accepted, and the journal names the client", async () => {
    const msg = involvement();
    const res = await cp('POST', '/contactpoint/v1/involvements', { identity: id('ics'), token: 'demo-ics', body: msg });
    expect(res.status).toBe(202);
    expect(res.body.messageId).toBe(msg.messageId);
    const repeat = await cp('GET', `/contactpoint/v1/source-records/${msg.sourceRecordId}`, { identity: id('ics'), token: 'demo-ics' });
    expect(repeat.status).toBe(200);
  });

  it("no client certificate: 401 ICS_ERR_AUTH_MISSING at tls:client-certificate, journalled in the token's session, nothing stored", async () => {
    const msg = involvement();
    const res = await cp('POST', '/contactpoint/v1/involvements', { token: 'demo-ics', body: msg });
    expectRefusal(res, 401, 'ICS_ERR_AUTH_MISSING', 'client-certificate-required');
    expect(res.headers['www-authenticate']).toContain('Bearer realm="contactpoint"');

    const journal = await cp('GET', '/control/v1/sessions/default/journal', { token: CONTROL });
    const entry = journal.body.entries.findLast((e: any) => e.operationId === 'submitInvolvement');
    expect(entry).toMatchObject({
      status: 401,
      verdict: 'rejected',
      clientId: 'ics',
      problems: [{ path: 'tls:client-certificate', rule: 'client-certificate-required' }],
    });
    const held = await cp('GET', `/contactpoint/v1/source-records/${msg.sourceRecordId}`, { identity: id('ics'), token: 'demo-ics' });
    expect(held.status).toBe(404);
  });

  it('a certificate from another CA (same name): 401 ICS_ERR_AUTH_INVALID, naming the verification error', async () => {
    const res = await cp('POST', '/contactpoint/v1/involvements', { identity: id('ics', foreign), token: 'demo-ics', body: involvement() });
    expectRefusal(res, 401, 'ICS_ERR_AUTH_INVALID', 'client-certificate-trusted');
    expect(res.body.detail).toMatch(/not trusted \([A-Z_]+\)/);
  });

  it("client A's certificate with client B's token: 403 ICS_ERR_AUTH_FORBIDDEN at tls:client-certificate", async () => {
    const res = await cp('POST', '/contactpoint/v1/involvements', { identity: id('ics'), token: 'demo-education', body: involvement() });
    expectRefusal(res, 403, 'ICS_ERR_AUTH_FORBIDDEN', 'client-certificate-matches-token');
    expect(res.body.detail).toContain('"ics"');
    expect(res.body.detail).toContain('"education"');
    // The same token with its own certificate is fine.
    expect(
      (await cp('POST', '/contactpoint/v1/involvements', { identity: id('education'), token: 'demo-education', body: involvement() })).status,
    ).toBe(202);
  });

  it('the token is still required and checked first: a good certificate alone is 401 on the Authorization header', async () => {
    const res = await cp('POST', '/contactpoint/v1/involvements', { identity: id('ics'), body: involvement() });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('ICS_ERR_AUTH_MISSING');
    expect(res.body.errors[0].path).toBe('header:authorization');
    // Certificate and token agree but the system lacks the permission: the usual 403 on the permission.
    const denied = await cp('POST', '/contactpoint/v1/involvements', {
      identity: id('no-permissions'),
      token: 'demo-no-permissions',
      body: involvement(),
    });
    expect(denied.status).toBe(403);
    expect(denied.body.errors[0]).toMatchObject({ path: 'header:authorization', rule: 'permission:feed:write', requirement: 'SEC-AUTH-002' });
  });

  it('National eCAF requires the certificate too', async () => {
    const headers = { 'practitioner-id': 'pr-1' };
    expectRefusal(
      await cp('GET', '/ecaf/v1/episodes', { token: 'demo-practitioner', headers }),
      401,
      'ICS_ERR_AUTH_MISSING',
      'client-certificate-required',
    );
    expect((await cp('GET', '/ecaf/v1/episodes', { identity: id('practitioner'), token: 'demo-practitioner', headers })).status).toBe(200);
  });

  it('the control API takes only the control token, and /health, /openapi.json, /docs need nothing', async () => {
    const session = await cp('GET', '/control/v1/sessions/default', { token: CONTROL });
    expect(session.status).toBe(200);
    expect(session.body.id).toBe('default');
    expect((await cp('GET', '/control/v1/sessions/default', { token: 'demo-ics', identity: id('ics') })).status).toBe(401);
    for (const path of ['/health', '/openapi.json', '/docs']) expect((await cp('GET', path)).status, path).toBe(200);
  });

  it('without tls the same options serve plain HTTP with token-only auth', async () => {
    const plain = await startServer({ port: 0, demoSession: true, controlToken: CONTROL });
    try {
      expect(plain.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${plain.url}/contactpoint/v1/involvements`, {
        method: 'POST',
        headers: { authorization: 'Bearer demo-ics', 'content-type': 'application/json' },
        body: JSON.stringify(involvement()),
      });
      expect(res.status).toBe(202);
    } finally {
      await plain.close();
    }
  });

  it('startServer with tls and no PKI in the directory fails clearly', async () => {
    await expect(startServer({ port: 0, tls: { dir: join(dir, 'nothing-here') } })).rejects.toThrow(/No test PKI in .*nothing-here/);
  });
});

describe('ics-conformance serve --tls DIR', { timeout: 120_000 }, () => {
  it("generates the PKI, serves https, prints the URLs, the CA and each demo client's certificate and key", async () => {
    await ensureBuilt();
    const cliDir = await mkdtemp(join(tmpdir(), 'ics-tls-cli-'));
    const proc = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--dataset', 'empty', '--control-token', 'cli-tls-token', '--tls', cliDir], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      for (const deadline = Date.now() + 30_000; !out.includes('Ctrl-C'); await sleep(50))
        if (Date.now() > deadline) throw new Error(`serve did not start:\n${out}`);
      const base = /ContactPoint\s+(https:\/\/127\.0\.0\.1:\d+)\/contactpoint\/v1\b/.exec(out)?.[1];
      expect(base, out).toBeDefined();
      expect(out).toContain(`${base}/ecaf/v1`);
      expect(out).toContain(`${base}/control/v1   (Authorization: Bearer cli-tls-token)`);
      expect(out).toMatch(/Test PKI\s+.*\(generated \d+ files\)/);
      expect(out).toContain(`${join(cliDir, 'ca.pem')}   ${TEST_CA_NAME}`);
      for (const c of demoClients())
        expect(out).toContain(`${join(cliDir, 'clients', `${c.id}.pem`)}  ${join(cliDir, 'clients', `${c.id}-key.pem`)}`);

      const cliCa = await readFile(join(cliDir, 'ca.pem'), 'utf8');
      const ics = { cert: join(cliDir, 'clients', 'ics.pem'), key: join(cliDir, 'clients', 'ics-key.pem') };
      const ok = await call(base!, cliCa, 'POST', '/contactpoint/v1/involvements', { identity: ics, token: 'demo-ics', body: involvement() });
      expect(ok.status).toBe(202);
      const bare = await call(base!, cliCa, 'POST', '/contactpoint/v1/involvements', { token: 'demo-ics', body: involvement() });
      expect(bare.status).toBe(401);
      expect(bare.body.errors[0].path).toBe('tls:client-certificate');
    } finally {
      proc.kill('SIGTERM');
      expect(await Promise.race([exited, sleep(10_000).then(() => 'still running')])).toBe(0);
      await rm(cliDir, { recursive: true, force: true });
    }
  });
});
