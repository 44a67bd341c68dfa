import type { CommandModule } from 'yargs';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../../harness/model/config-error.js';

interface Args {
  out: string;
  name: string;
  force: boolean;
}

export const keygenCommand = (): CommandModule<object, Args> => ({
  command: 'keygen',
  describe: 'Make an Ed25519 key pair for signing evidence bundles (--sign-key) and checking them (verify --public-key)',
  builder: (y) =>
    y
      .option('out', { type: 'string', demandOption: true, describe: 'Directory for the key pair' })
      .option('name', { type: 'string', default: 'ics-signing-key', describe: 'File name stem: NAME.pem (private) and NAME.pub.pem (public)' })
      .option('force', { type: 'boolean', default: false, describe: 'Overwrite an existing key pair' })
      .example('$0 keygen --out keys', 'Writes keys/ics-signing-key.pem (keep it secret: a CI secret) and keys/ics-signing-key.pub.pem (publish it)'),
  handler: async (args) => {
    const priv = join(args.out, `${args.name}.pem`);
    const pub = join(args.out, `${args.name}.pub.pem`);
    if (!args.force && (existsSync(priv) || existsSync(pub)))
      throw new ConfigError(`${priv} or ${pub} already exists: give --force to replace it, or another --out`);
    const { generateSigningKeys } = await import('../../harness/evidence/signing.js');
    const keys = generateSigningKeys();
    await mkdir(args.out, { recursive: true });
    await writeFile(priv, keys.privateKey, { mode: 0o600 });
    await writeFile(pub, keys.publicKey, { mode: 0o644 });
    console.log(`Private key: ${priv} (keep it secret; sign with --sign-key ${priv})`);
    console.log(`Public key:  ${pub} (verify with --public-key ${pub})`);
    console.log(`Key ID:      ${keys.keyId}`);
  },
});
