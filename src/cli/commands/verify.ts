import type { CommandModule } from 'yargs';
import { readFile, stat } from 'node:fs/promises';
import type { KeyObject } from 'node:crypto';
import { ConfigError } from '../../harness/model/config-error.js';

interface Args {
  dir: string;
  'public-key'?: string;
  'trusted-keys'?: string;
  'expect-system'?: string;
  'expect-statement'?: string;
  'expect-run'?: string;
  json: boolean;
}

/** verify's exit codes (docs/evidence.md): 4 is intact but with nothing to show who wrote it. */
export const VERIFY_EXIT = { VERIFIED: 0, NOT_INTACT: 1, USAGE: 2, UNVERIFIED: 4 } as const;

export const verifyCommand = (setExit: (c: number) => void): CommandModule<object, Args> => ({
  command: 'verify <dir>',
  describe: 'Check an evidence bundle: every file against the manifest and results.json, the journal hash chain, the signature',
  builder: (y) =>
    y
      .positional('dir', { type: 'string', demandOption: true, describe: 'The run directory (holds manifest.json)' })
      .option('public-key', { type: 'string', describe: "The signer's Ed25519 public key (PEM): the bundle must be signed by it" })
      .option('trusted-keys', {
        type: 'string',
        describe: 'A file of trusted Ed25519 public keys (PEM blocks, one after another): the bundle must be signed by one of them',
      })
      .option('expect-system', { type: 'string', describe: 'NAME@VERSION the bundle must be about (NAME: the product, or vendor and product)' })
      .option('expect-statement', { type: 'string', describe: 'The conformance statement the run must have used' })
      .option('expect-run', { type: 'string', describe: 'The run ID the bundle must be of' })
      .option('json', { type: 'boolean', default: false, describe: 'Machine-readable report' })
      .example(
        '$0 verify reports/accreditation --trusted-keys accreditation-keys.pem --expect-system "Acme ICS@4.2.0"',
        'Exit 0: intact, signed by a trusted key, of that system',
      )
      .example(
        '$0 verify reports/demo',
        'Exit 4 when intact but unsigned or signed by an unknown key; 1 on any changed, added or removed file',
      ) as never,
  handler: async (args) => {
    const isDir = await stat(args.dir).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!isDir) throw new ConfigError(`${args.dir} is not a directory: give the run directory that holds manifest.json`);
    const [{ verifyBundle, verifyText }, { loadPublicKey }] = await Promise.all([
      import('../../harness/evidence/verify.js'),
      import('../../harness/evidence/signing.js'),
    ]);
    const read = async (flag: string, file: string) => {
      try {
        return await readFile(file, 'utf8');
      } catch (err) {
        throw new ConfigError(`--${flag} ${file}: cannot read it (${(err as Error).message})`);
      }
    };
    let publicKey: KeyObject | undefined;
    if (args['public-key']) {
      const pem = await read('public-key', args['public-key']);
      try {
        publicKey = loadPublicKey(pem);
      } catch (err) {
        throw new ConfigError(`--public-key ${args['public-key']}: ${(err as Error).message}`);
      }
    }
    const trustedKeys: KeyObject[] = [];
    if (args['trusted-keys']) {
      const text = await read('trusted-keys', args['trusted-keys']);
      const blocks = text.match(/-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----/g) ?? [];
      if (!blocks.length)
        throw new ConfigError(`--trusted-keys ${args['trusted-keys']}: no PEM public key in it (-----BEGIN PUBLIC KEY----- blocks)`);
      for (const [i, pem] of blocks.entries()) {
        try {
          trustedKeys.push(loadPublicKey(pem));
        } catch (err) {
          throw new ConfigError(`--trusted-keys ${args['trusted-keys']}: key ${i + 1}: ${(err as Error).message}`);
        }
      }
    }
    let statement: unknown;
    if (args['expect-statement']) {
      const { parseStatement } = await import('../../harness/model/statement.js');
      statement = parseStatement(await read('expect-statement', args['expect-statement']), args['expect-statement']);
    }
    const expect = {
      ...(args['expect-system'] !== undefined ? { system: args['expect-system'] } : {}),
      ...(statement !== undefined ? { statement } : {}),
      ...(args['expect-run'] !== undefined ? { runId: args['expect-run'] } : {}),
    };
    const report = await verifyBundle(args.dir, {
      ...(publicKey ? { publicKey } : {}),
      trustedKeys,
      ...(Object.keys(expect).length ? { expect } : {}),
    });
    process.stdout.write(args.json ? JSON.stringify(report, null, 2) + '\n' : verifyText(report));
    setExit(report.verdict === 'VERIFIED' ? VERIFY_EXIT.VERIFIED : report.verdict === 'UNVERIFIED' ? VERIFY_EXIT.UNVERIFIED : VERIFY_EXIT.NOT_INTACT);
  },
});
