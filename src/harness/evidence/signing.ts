/** Ed25519 keys and signatures over the manifest (node:crypto, no extra dependency). */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { sha256 } from './hash.js';

export const SIGNATURE_FILE = 'manifest.sig';

export interface SignatureFile {
  algorithm: 'Ed25519';
  /** SHA-256 of the public key (SPKI DER): names the key that signed. */
  keyId: string;
  /** The signer's public key (SPKI PEM), for information: trust comes from --public-key. */
  publicKey: string;
  /** Base64 Ed25519 signature over the exact bytes of manifest.json. */
  signature: string;
}

/** The signature file as written (verify insists on exactly these bytes). */
export function signatureText(sig: SignatureFile): string {
  return JSON.stringify({ algorithm: sig.algorithm, keyId: sig.keyId, publicKey: sig.publicKey, signature: sig.signature }, null, 2) + '\n';
}

/** A new Ed25519 key pair as PEM (PKCS#8 private, SPKI public). */
export function generateSigningKeys(): { privateKey: string; publicKey: string; keyId: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: keyIdOf(publicKey),
  };
}

export function keyIdOf(publicKey: KeyObject): string {
  return `sha256:${sha256(publicKey.export({ type: 'spki', format: 'der' }))}`;
}

/** Reads a private key (PEM); refuses anything but Ed25519. */
export function loadPrivateKey(pem: string): KeyObject {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error(`the signing key is ${key.asymmetricKeyType ?? 'not an asymmetric key'}; an Ed25519 key is needed (ics-conformance keygen)`);
  return key;
}

/** Reads a public key (PEM; a private key's public half also works); refuses anything but Ed25519. */
export function loadPublicKey(pem: string): KeyObject {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error(`the public key is ${key.asymmetricKeyType ?? 'not an asymmetric key'}; an Ed25519 key is needed`);
  return key;
}

export function signManifest(manifestBytes: Uint8Array, privateKey: KeyObject): SignatureFile {
  const publicKey = createPublicKey(privateKey);
  return {
    algorithm: 'Ed25519',
    keyId: keyIdOf(publicKey),
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    signature: sign(null, manifestBytes, privateKey).toString('base64'),
  };
}

export function verifySignature(manifestBytes: Uint8Array, signatureB64: string, publicKey: KeyObject): boolean {
  try {
    return verify(null, manifestBytes, publicKey, Buffer.from(signatureB64, 'base64'));
  } catch {
    return false;
  }
}
