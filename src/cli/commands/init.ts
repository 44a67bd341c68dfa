import type { CommandModule } from 'yargs';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { ConfigError } from '../../engine/config-error.js';

interface Args {
  out: string;
  force: boolean;
}

export const initCommand = (): CommandModule<object, Args> => ({
  command: 'init',
  describe: 'Write a commented conformance statement template',
  builder: (y) =>
    y.option('out', { type: 'string', default: 'ics-conformance.yml', describe: 'File to write' }).option('force', { type: 'boolean', default: false, describe: 'Overwrite an existing file' }) as never,
  handler: async (args) => {
    if (existsSync(args.out) && !args.force) throw new ConfigError(`${args.out} exists: use --force to overwrite`);
    const { STATEMENT_TEMPLATE } = await import('../../engine/statement.js');
    await writeFile(args.out, STATEMENT_TEMPLATE);
    console.log(`Wrote ${args.out}. Edit the capabilities and sut.driverUrl, then: ics-conformance run --config ${args.out}`);
  },
});
