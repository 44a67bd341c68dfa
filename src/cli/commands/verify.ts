import type { CommandModule } from 'yargs';
import { readFile, stat } from 'node:fs/promises';
import { ConfigError } from '../../engine/config-error.js';

interface Args {
  dir: string;
  'public-key'?: string;
  json: boolean;
}

export const verifyCommand = (setExit: (c: number) => void): CommandModule<object, Args> => ({
  command: 'verify <dir>',
  describe: 'Check an evidence bundle: every file against the manifest, the journal hash chain, the signature',
  builder: (y) =>
    y
      .positional('dir', { type: 'string', demandOption: true, describe: 'The run directory (holds manifest.json)' })
      .option('public-key', { type: 'string', describe: 'The signer\'s Ed25519 public key (PEM): the bundle must be signed by it' })
      .option('json', { type: 'boolean', default: false, describe: 'Machine-readable report' })
      .example('$0 verify reports/demo', 'Exits 0 when intact, 1 on any changed, added or removed file or a broken chain')
      .example('$0 verify reports/accreditation --public-key keys/ics-signing-key.pub.pem', 'Also requires a valid signature by that key') as never,
  handler: async (args) => {
    const isDir = await stat(args.dir).then((s) => s.isDirectory(), () => false);
    if (!isDir) throw new ConfigError(`${args.dir} is not a directory: give the run directory that holds manifest.json`);
    const [{ verifyBundle, verifyText }, { loadPublicKey }] = await Promise.all([import('../../evidence/verify.js'), import('../../evidence/signing.js')]);
    let publicKey;
    if (args['public-key']) {
      try {
        publicKey = loadPublicKey(await readFile(args['public-key'], 'utf8'));
      } catch (err) {
        throw new ConfigError(`--public-key ${args['public-key']}: ${(err as Error).message}`);
      }
    }
    const report = await verifyBundle(args.dir, publicKey ? { publicKey } : {});
    process.stdout.write(args.json ? JSON.stringify(report, null, 2) + '\n' : verifyText(report));
    setExit(report.ok ? 0 : 1);
  },
});
