import type { CommandModule } from 'yargs';

interface Args {
  baseline: string;
  run: string;
  json: boolean;
}

export const diffCommand = (setExit: (c: number) => void): CommandModule<object, Args> => ({
  command: 'diff <baseline> <run>',
  describe: 'Compare a run with a baseline (e.g. the last accredited run); exits 1 on a regression',
  builder: (y) =>
    y
      .positional('baseline', { type: 'string', demandOption: true, describe: 'Run directory or results.json of the baseline' })
      .positional('run', { type: 'string', demandOption: true, describe: 'Run directory or results.json to compare' })
      .option('json', { type: 'boolean', default: false, describe: 'Machine-readable diff' })
      .example('$0 diff accredited/ reports/run-2026-11-25', 'Newly failing and newly passing tests, catalogue changes; exit 1 on a regression'),
  handler: async (args) => {
    const { diffRuns, diffText, loadRun } = await import('../../harness/evidence/diff.js');
    const d = diffRuns(await loadRun(args.baseline), await loadRun(args.run));
    process.stdout.write(args.json ? JSON.stringify(d, null, 2) + '\n' : diffText(d));
    setExit(d.regression ? 1 : 0);
  },
});
