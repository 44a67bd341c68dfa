/** Interactive update prompts say what changes, not only the details after the change (issue #20). */
import { expect, it } from 'vitest';
import { InteractiveDriver, describeChanges } from '../../src/harness/engine/interactive.js';
import { SyntheticData } from '../../src/harness/engine/synthetic.js';
import { referenceStatement } from '../../src/harness/app/demo.js';
import type { Prompter } from '../../src/harness/engine/context.js';

function recorder(): { prompter: Prompter; said: string[] } {
  const said: string[] = [];
  return { said, prompter: { instruct: async (t) => void said.push(t), ask: async () => ({ answer: 'yes' }) } };
}

it('an update that adds a former name tells the tester to add that former name', async () => {
  const { prompter, said } = recorder();
  const driver = new InteractiveDriver(prompter, referenceStatement());
  const child = new SyntheticData(3, '2026-12-04').child();
  const ref = await driver.registerChild(child);
  // As CP-FEED-009 does it: the same child with one more former name.
  await driver.updateChild(ref, { ...child, formerNames: [...child.formerNames, { given: child.name.given, family: 'Former' }] });
  const update = said[1]!;
  expect(update).toContain(`add the former name ${child.name.given} Former`);
  expect(update).toContain(`${child.name.given} ${child.name.family}, born ${child.dateOfBirth}`);
  // Nothing else changed, so nothing else is asked.
  expect(update.split('\n').filter((l) => l.trim().startsWith('- '))).toHaveLength(1);
});

it('a move names the new address; identifiers added, changed and removed are each said', () => {
  const child = new SyntheticData(4, '2026-12-04').child();
  const moved = {
    ...child,
    residence: { status: 'current' as const, address: { lines: ['1 New Street'], town: 'Leeds', postcode: 'LS1 1AA' } },
    identifiers: { upn: 'A123456789012' },
  };
  const changes = describeChanges(child, moved);
  expect(changes).toContain('change the address to 1 New Street, LS1 1AA (current)');
  if (child.identifiers.nhsNumber) expect(changes).toContain(`remove the nhsNumber ${child.identifiers.nhsNumber}`);
  expect(changes.some((c) => c.includes('upn') && c.includes('A123456789012'))).toBe(true);
  expect(describeChanges(child, structuredClone(child))).toEqual([]);
});
