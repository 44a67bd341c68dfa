import type { CommandModule } from 'yargs';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

interface Args {
  count: number;
  seed: number;
  kind: 'population' | 'involvements';
  out?: string;
  'reference-date'?: string;
}

export const fixturesCommand = (): CommandModule<object, Args> => ({
  command: 'fixtures',
  describe: 'Write a seeded synthetic population (or involvement messages) as NDJSON',
  builder: (y) =>
    y
      .option('count', { type: 'number', default: 100, describe: 'Number of children' })
      .option('seed', { type: 'number', default: 1, describe: 'Seed: the same seed gives the same data' })
      .option('kind', {
        choices: ['population', 'involvements'] as const,
        default: 'population' as const,
        describe: 'Whole population records, or InvolvementMessages ready for the bulk feed',
      })
      .option('reference-date', { type: 'string', describe: 'Ages are 0-17 on this date (YYYY-MM-DD)' })
      .option('out', { type: 'string', describe: 'File to write (default: stdout)' })
      .example('$0 fixtures --count 1000 --seed 7 > population.ndjson', '')
      .example('$0 fixtures --kind involvements --count 100000 --out caseload.ndjson', 'An initial-load file for the bulk feed') as never,
  handler: async (args) => {
    const { generatePopulation, involvementNdjson } = await import('../../../fixtures/population.js');
    const out = args.out ? createWriteStream(args.out) : process.stdout;
    // `fixtures | head` closes the pipe early: that is the reader's choice, not an error.
    let closed = false;
    out.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      closed = true;
    });
    const opts = { count: args.count, seed: args.seed, ...(args['reference-date'] ? { referenceDate: args['reference-date'] } : {}) };
    const lines =
      args.kind === 'involvements'
        ? involvementNdjson(opts)
        : (function* () {
            for (const r of generatePopulation(opts)) yield `${JSON.stringify(r)}\n`;
          })();
    for (const line of lines) {
      if (closed) return;
      if (!out.write(line)) await once(out, 'drain').catch(() => undefined); // an error (EPIPE) is handled above
    }
    if (args.out) {
      out.end();
      await once(out, 'finish');
    }
  },
});
