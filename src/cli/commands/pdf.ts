import type { CommandModule } from 'yargs';

interface Args {
  run: string;
  out?: string;
  browser?: string;
}

export const pdfCommand = (setExit: (c: number) => void): CommandModule<object, Args> => ({
  command: 'pdf <run>',
  describe: "Print a run's report.html to an A4 PDF (running header, page numbers) with the installed Chromium or Chrome",
  builder: (y) =>
    y
      .positional('run', { type: 'string', demandOption: true, describe: 'Run directory, or its report.html' })
      .option('out', {
        type: 'string',
        describe: 'The PDF to write. Default: <run directory>-report.pdf beside the run directory (a file inside it would fail verify)',
      })
      .option('browser', { type: 'string', describe: 'Chromium or Chrome to print with. Default: $CHROME_PATH, else the usual install places' })
      .example('$0 pdf reports/demo', 'Writes reports/demo-report.pdf') as never,
  handler: async (args) => {
    const { existsSync, statSync } = await import('node:fs');
    const { basename, dirname, join, resolve } = await import('node:path');
    const { findBrowser, printPdf, BROWSER_CANDIDATES } = await import('../../harness/reporters/pdf.js');
    const given = resolve(args.run);
    const html = existsSync(given) && statSync(given).isDirectory() ? join(given, 'report.html') : given;
    if (!existsSync(html)) {
      console.error(`No report at ${html}: give a run directory (as \`run\` and \`demo\` write) or its report.html.`);
      return setExit(2);
    }
    const browser = findBrowser(args.browser);
    if (!browser) {
      console.error(
        (args.browser ?? process.env.CHROME_PATH)
          ? `No browser at ${args.browser ?? process.env.CHROME_PATH}.`
          : `No Chromium or Chrome found (looked in ${BROWSER_CANDIDATES.join(', ')}): name one with --browser or CHROME_PATH, or print report.html from a browser (A4, Save as PDF).`,
      );
      return setExit(2);
    }
    const dir = dirname(html);
    const out = resolve(args.out ?? join(dirname(dir), `${basename(dir)}-report.pdf`));
    try {
      await printPdf(html, out, browser);
    } catch (err) {
      console.error((err as Error).message);
      return setExit(3);
    }
    console.log(`Wrote ${out}`);
    setExit(0);
  },
});
