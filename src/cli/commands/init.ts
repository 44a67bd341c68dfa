import type { CommandModule } from 'yargs';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { ConfigError } from '../../harness/model/config-error.js';
import { SOURCE_SYSTEM_TYPES, type SourceSystemType } from '../../harness/model/source-system-types.js';

interface Args {
  out: string;
  force: boolean;
  'source-system': SourceSystemType;
}

export const initCommand = (): CommandModule<object, Args> => ({
  command: 'init',
  describe: 'Write a commented conformance statement template',
  builder: (y) =>
    y
      .option('out', { type: 'string', default: 'ics-conformance.yml', describe: 'File to write' })
      .option('force', { type: 'boolean', default: false, describe: 'Overwrite an existing file' })
      .option('source-system', {
        type: 'string',
        choices: SOURCE_SYSTEM_TYPES,
        default: 'ics',
        describe: 'Kind of system: its capabilities and the suites that apply (docs/source-systems.md)',
      })
      .example('$0 init --source-system education', 'A statement for a school information system') as never,
  handler: async (args) => {
    if (existsSync(args.out) && !args.force) throw new ConfigError(`${args.out} exists: use --force to overwrite`);
    const { statementTemplate } = await import('../../harness/model/statement.js');
    await writeFile(args.out, statementTemplate(args['source-system']));
    console.log(`Wrote ${args.out}. Edit the capabilities and sut.driverUrl, then: ics-conformance run --config ${args.out}`);
  },
});
