import type { CommandModule } from 'yargs';

interface Args {
  json: boolean;
}

export const listCommand = (): CommandModule<object, Args> => ({
  command: 'list',
  describe: 'List suites, tests and requirements',
  builder: (y) => y.option('json', { type: 'boolean', default: false, describe: 'Machine-readable output' }),
  handler: async (args) => {
    const { ALL_SUITES } = await import('../../../suites/index.js');
    const { REQUIREMENTS, CATALOGUE_VERSION } = await import('../../harness/model/catalogue.js');
    const suites = ALL_SUITES.map((s) => ({
      id: s.id,
      title: s.title,
      capability: s.capability,
      tests: s.tests.map((t) => ({
        id: t.id,
        title: t.title,
        requirements: t.requirements,
        capability: t.capability ?? s.capability,
        mandatory: t.mandatory ?? true,
      })),
    }));
    if (args.json) {
      console.log(JSON.stringify({ catalogueVersion: CATALOGUE_VERSION, suites, requirements: REQUIREMENTS }, null, 2));
      return;
    }
    const lines: string[] = [`Catalogue ${CATALOGUE_VERSION}`, ''];
    for (const s of suites) {
      lines.push(`${s.id}: ${s.title} [${s.capability}]`);
      for (const t of s.tests)
        lines.push(`  ${t.id}${t.mandatory ? '' : ' (optional)'}\n      ${t.title}\n      verifies ${t.requirements.join(', ')}`);
      lines.push('');
    }
    lines.push('Requirements:');
    for (const r of REQUIREMENTS)
      lines.push(`  ${r.id.padEnd(16)} ${r.level.padEnd(6)} ${r.appliesTo === 'sut' ? r.capability : 'mock service'}: ${r.statement}`);
    console.log(lines.join('\n'));
  },
});
