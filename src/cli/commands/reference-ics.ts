import type { CommandModule } from 'yargs';
import { VARIANTS, isVariant, type Variant } from '../../../reference-ics/variants.js';

interface Args {
  port: number;
  host: string;
  variant: string[];
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
      }),
  handler: async (args) => {
    const { startReferenceIcs } = await import('../../../reference-ics/app.js');
    const sut = await startReferenceIcs({ port: args.port, host: args.host, variants: args.variant.filter<Variant>(isVariant) });
    console.log(
      `Reference ICS driver API at ${sut.url}/driver/v1${args.variant.length ? ` (variants: ${args.variant.join(', ')})` : ''}\nCtrl-C to stop.`,
    );
    await new Promise<void>((resolve) => {
      const stop = () => void sut.close().then(resolve);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
});
