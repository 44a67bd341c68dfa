import type { CommandModule } from 'yargs';
import { VARIANTS, isVariant, type Variant } from '../../../reference-ics/variants.js';
import { SOURCE_SYSTEM_TYPES, type SourceSystemType } from '../../harness/model/source-system-types.js';

interface Args {
  port: number;
  host: string;
  variant: string[];
  'source-system': SourceSystemType;
}

export const referenceIcsCommand = (): CommandModule<object, Args> => ({
  command: 'reference-ics',
  describe: "Serve the reference ICS's driver API (the worked example of an adapter)",
  builder: (y) =>
    y
      .option('port', { type: 'number', default: 8080 })
      .option('host', { type: 'string', default: '127.0.0.1' })
      .option('variant', {
        type: 'array',
        string: true,
        default: [],
        choices: Object.keys(VARIANTS),
        describe: 'Faulty behaviour to switch on',
      })
      .option('source-system', {
        type: 'string',
        choices: SOURCE_SYSTEM_TYPES,
        default: 'ics',
        describe: 'The kind of source system it plays (docs/source-systems.md): a school, a clinic, a YOT, Connexions...',
      })
      .example('$0 reference-ics --source-system education', 'The reference system as a school information system, for run --sut') as never,
  handler: async (args) => {
    const { startReferenceIcs } = await import('../../../reference-ics/app.js');
    const profile = args['source-system'];
    const sut = await startReferenceIcs({ port: args.port, host: args.host, variants: args.variant.filter<Variant>(isVariant), profile });
    // Loaded here, not at the top: the profiles pull in the message schemas, which --help must not load.
    const { PROFILES } = await import('../../harness/model/profiles.js');
    const plays = profile === 'ics' ? '' : ` playing ${PROFILES[profile].title}`;
    const variants = args.variant.length ? ` (variants: ${args.variant.join(', ')})` : '';
    // The driver API is under /driver/v1; run --sut (and sut.driverUrl) take the base URL, so that is what to copy.
    console.log(
      `Reference ICS${plays}${variants}: driver API at ${sut.url}/driver/v1\nRun against it: ics-conformance run --sut ${sut.url}\nCtrl-C to stop.`,
    );
    await new Promise<void>((resolve) => {
      const stop = () => void sut.close().then(resolve);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
});
