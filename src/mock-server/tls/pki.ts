/**
 * A throwaway test PKI for the optional mutual TLS mode: a self-signed test CA, a server certificate
 * for loopback, and one client certificate per source system naming its client ID. ECDSA P-256.
 *
 * Layout of the directory (keys mode 0600):
 *   ca.pem, ca-key.pem            the test CA (its key stays so more clients can be issued later)
 *   server.pem, server-key.pem    localhost, 127.0.0.1, ::1 (and any other host asked for)
 *   clients/<clientId>.pem, clients/<clientId>-key.pem
 *
 * Files already there are reused while they still fit (same CA, in date, right names); anything
 * missing or unfit is issued again, so a directory can be kept between runs.
 */
import { createPrivateKey, webcrypto, X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { clientIdFromNames } from '../../platform/peer.js';

export const TEST_CA_NAME = 'ics-conformance TEST CA - not for production';
/** The SAN URI a client certificate carries: urn:ics-conformance:client:<clientId>. */
export const CLIENT_URI_PREFIX = 'urn:ics-conformance:client:';

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;
const CA_DAYS = 3650;
const LEAF_DAYS = 825;
/** A certificate this close to expiry is issued again rather than reused. */
const RENEW_MS = 7 * DAY_MS;
const LOOPBACK = ['localhost', '127.0.0.1', '::1'];
const CLIENT_ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface PkiFiles {
  dir: string;
  ca: string;
  caKey: string;
  server: string;
  serverKey: string;
  clients: Record<string, { cert: string; key: string }>;
}

export interface EnsuredPki {
  files: PkiFiles;
  /** Files written by this call (empty when everything was reused). */
  written: string[];
}

/** Where the files of a PKI directory are (absolute paths). */
export function pkiFiles(dir: string, clientIds: readonly string[] = []): PkiFiles {
  const abs = resolve(dir);
  const clients: PkiFiles['clients'] = {};
  for (const id of clientIds) {
    checkClientId(id);
    clients[id] = { cert: join(abs, 'clients', `${id}.pem`), key: join(abs, 'clients', `${id}-key.pem`) };
  }
  return {
    dir: abs,
    ca: join(abs, 'ca.pem'),
    caKey: join(abs, 'ca-key.pem'),
    server: join(abs, 'server.pem'),
    serverKey: join(abs, 'server-key.pem'),
    clients,
  };
}

/**
 * Makes sure `dir` holds a test CA, a server certificate for `hosts` (loopback always) and a client
 * certificate for each of `clientIds`, generating only what is missing or no longer fits.
 * @example
 * const { files } = await ensureTestPki('tls', { clientIds: ['ics', 'education'] });
 */
export async function ensureTestPki(dir: string, opts: { clientIds: readonly string[]; hosts?: readonly string[] }): Promise<EnsuredPki> {
  const files = pkiFiles(dir, opts.clientIds);
  const hosts = [...new Set([...LOOPBACK, ...(opts.hosts ?? []).filter((h) => h && h !== '0.0.0.0' && h !== '::')])];
  await mkdir(join(files.dir, 'clients'), { recursive: true });
  const written: string[] = [];
  const now = Date.now();

  let ca = await reusableCa(files, now);
  if (!ca) {
    ca = await createCa();
    await writePair(files.ca, files.caKey, ca.certPem, ca.keyPem, written);
  }

  const server = await readPair(files.server, files.serverKey);
  if (!server || !fits(server, ca.cert, now) || !hosts.every((h) => (isIP(h) ? server.cert.checkIP(h) : server.cert.checkHost(h)) !== undefined)) {
    const issued = await issue(ca, { cn: 'localhost', sans: hosts.map((h) => ({ type: isIP(h) ? 'ip' : 'dns', value: h })), usage: 'serverAuth' });
    await writePair(files.server, files.serverKey, issued.certPem, issued.keyPem, written);
  }

  for (const [id, paths] of Object.entries(files.clients)) {
    const client = await readPair(paths.cert, paths.key);
    if (client && fits(client, ca.cert, now) && clientIdFromNames(client.cert.subjectAltName, cnOf(client.cert.subject)) === id) continue;
    const issued = await issue(ca, { cn: id, sans: [{ type: 'url', value: `${CLIENT_URI_PREFIX}${id}` }], usage: 'clientAuth' });
    await writePair(paths.cert, paths.key, issued.certPem, issued.keyPem, written);
  }
  return { files, written };
}

/** The server's TLS material, read from a directory made by ensureTestPki. */
export async function readServerTls(dir: string): Promise<{ ca: string; cert: string; key: string }> {
  const files = pkiFiles(dir);
  try {
    const [ca, cert, key] = await Promise.all([readFile(files.ca, 'utf8'), readFile(files.server, 'utf8'), readFile(files.serverKey, 'utf8')]);
    return { ca, cert, key };
  } catch (err) {
    throw new Error(
      `No test PKI in ${files.dir} (need ca.pem, server.pem, server-key.pem): run \`ics-conformance serve --tls ${dir}\` or ensureTestPki() first`,
      { cause: err },
    );
  }
}

// ---------------------------------------------------------------------------------------------

type X509Lib = typeof import('@peculiar/x509');
let lib: Promise<X509Lib> | undefined;

/**
 * @peculiar/x509 needs a global Reflect metadata polyfill (tsyringe). It is loaded only here, when a
 * certificate is generated, so a process that never generates one never gets the polyfill.
 */
function x509(): Promise<X509Lib> {
  return (lib ??= (async () => {
    await import('reflect-metadata');
    const m = await import('@peculiar/x509');
    m.cryptoProvider.set(webcrypto);
    return m;
  })());
}

interface Pair {
  cert: X509Certificate;
  certPem: string;
  keyPem: string;
}

interface Ca extends Pair {
  /** The CA's signing key, as webcrypto wants it. */
  signingKey: webcrypto.CryptoKey;
}

async function readPair(certPath: string, keyPath: string): Promise<Pair | undefined> {
  let certPem: string;
  let keyPem: string;
  try {
    [certPem, keyPem] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
  } catch {
    return undefined;
  }
  try {
    const cert = new X509Certificate(certPem);
    // A key that does not match its certificate (a half-written pair) is as good as missing.
    return cert.checkPrivateKey(createPrivateKey(keyPem)) ? { cert, certPem, keyPem } : undefined;
  } catch {
    return undefined;
  }
}

/** Issued by this CA, signature good, and not about to expire. */
function fits(pair: Pair, ca: X509Certificate, now: number): boolean {
  return pair.cert.checkIssued(ca) && pair.cert.verify(ca.publicKey) && new Date(pair.cert.validTo).getTime() - now > RENEW_MS;
}

async function reusableCa(files: PkiFiles, now: number): Promise<Ca | undefined> {
  const pair = await readPair(files.ca, files.caKey);
  if (!pair) return undefined;
  // Never overwrite a CA this tool did not make: its directory is someone else's.
  if (cnOf(pair.cert.subject) !== TEST_CA_NAME) throw new Error(`${files.ca} is not an ${TEST_CA_NAME}: use another directory for the test PKI`);
  if (!pair.cert.ca || new Date(pair.cert.validTo).getTime() - now <= RENEW_MS) return undefined;
  const signingKey = await webcrypto.subtle.importKey('pkcs8', createPrivateKey(pair.keyPem).export({ type: 'pkcs8', format: 'der' }), ALG, false, [
    'sign',
  ]);
  return { ...pair, signingKey };
}

async function createCa(): Promise<Ca> {
  const x = await x509();
  const keys = await newKeys();
  const cert = await x.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${TEST_CA_NAME}, O=ics-conformance`,
    ...validity(CA_DAYS),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x.BasicConstraintsExtension(true, 0, true),
      new x.KeyUsagesExtension(x.KeyUsageFlags.keyCertSign | x.KeyUsageFlags.cRLSign, true),
      await x.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const certPem = cert.toString('pem');
  return { cert: new X509Certificate(certPem), certPem, keyPem: await keyPem(keys.privateKey), signingKey: keys.privateKey };
}

async function issue(
  ca: Ca,
  leaf: { cn: string; sans: Array<{ type: 'dns' | 'ip' | 'url'; value: string }>; usage: 'serverAuth' | 'clientAuth' },
): Promise<Pair> {
  const x = await x509();
  const keys = await newKeys();
  const issuer = new x.X509Certificate(ca.certPem);
  const cert = await x.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${leaf.cn}, O=ics-conformance test PKI`,
    issuer: issuer.subject,
    ...validity(LEAF_DAYS),
    publicKey: keys.publicKey,
    signingKey: ca.signingKey,
    signingAlgorithm: ALG,
    extensions: [
      new x.BasicConstraintsExtension(false, undefined, true),
      new x.KeyUsagesExtension(x.KeyUsageFlags.digitalSignature, true),
      new x.ExtendedKeyUsageExtension([x.ExtendedKeyUsage[leaf.usage]]),
      new x.SubjectAlternativeNameExtension(leaf.sans),
      await x.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x.AuthorityKeyIdentifierExtension.create(issuer),
    ],
  });
  const certPem = cert.toString('pem');
  return { cert: new X509Certificate(certPem), certPem, keyPem: await keyPem(keys.privateKey) };
}

function newKeys(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
}

async function keyPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END PRIVATE KEY-----\n`;
}

/** From an hour ago (a client clock a little behind still accepts it). */
function validity(days: number): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  return { notBefore: new Date(now - 3_600_000), notAfter: new Date(now + days * DAY_MS) };
}

/** 16 random bytes, top bit clear: a positive serial, unique across regenerations. */
function serial(): string {
  const b = webcrypto.getRandomValues(new Uint8Array(16));
  b[0]! &= 0x7f;
  return Buffer.from(b).toString('hex');
}

async function writePair(certPath: string, keyPath: string, certPem: string, keyPemText: string, written: string[]): Promise<void> {
  // The key first, and private from its first byte (mode on create), then tightened if the file was already there.
  await writeFile(keyPath, keyPemText, { mode: 0o600 });
  await chmod(keyPath, 0o600);
  await writeFile(certPath, certPem);
  written.push(certPath, keyPath);
}

function cnOf(subject: string): string | undefined {
  return /^CN=(.*)$/m.exec(subject)?.[1];
}

function checkClientId(id: string): void {
  if (!CLIENT_ID.test(id)) throw new Error(`Client ID "${id}" cannot name a certificate file (1 to 64 of A-Z a-z 0-9 . _ -)`);
}
