/**
 * Interactive mode, with the tester simulated: each instruction the harness prints is carried out
 * on the reference ICS through its driver API, as a person would do it in the ICS's screens.
 */
import { expect, it } from 'vitest';
import { startServer } from '../../src/mock-server/server.js';
import { startReferenceIcs } from '../../reference-ics/app.js';
import { InteractiveDriver } from '../../src/harness/engine/interactive.js';
import { HttpDriver } from '../../src/harness/engine/driver.js';
import { MockClient } from '../../src/harness/engine/mock-client.js';
import { runSuites } from '../../src/harness/engine/runner.js';
import { referenceStatement } from '../../src/harness/app/demo.js';
import { contactPointFeedSuite } from '../../suites/contactpoint-feed/index.js';
import { securitySuite } from '../../suites/security/index.js';
import type { Prompter } from '../../src/harness/engine/context.js';

it("prints each step with the child's details, waits for the ICS's messages, and records attestations", async () => {
  const mocks = await startServer({ port: 0, controlToken: 'ctl' });
  const sut = await startReferenceIcs({ port: 0 });
  const http = new HttpDriver(sut.url);
  const instructions: string[] = [];
  const questions: string[] = [];
  let childRef = '';
  let involvementRef = '';
  // The simulated tester reads the instruction and does it in "the ICS".
  const tester: Prompter = {
    async instruct(text) {
      instructions.push(text);
      const token = /token (\S+)/.exec(text)?.[1];
      if (text.startsWith('Point the ICS'))
        await http.configure({ contactPoint: { baseUrl: mocks.url, token: token! }, ecaf: { baseUrl: mocks.url, token: token! } });
      else if (text.startsWith('Register a new child')) childRef = await http.registerChild(pending!);
      else if (text.startsWith('Record a')) involvementRef = await http.recordInvolvement(childRef, pendingInvolvement!);
      else if (text.startsWith('Update the child')) await http.updateChild(childRef, pending!);
      else if (text.startsWith('End that involvement')) await http.endInvolvement(involvementRef, /end date (\S+)/.exec(text)![1]!);
    },
    async ask(q) {
      questions.push(q);
      return { answer: 'yes', note: 'seen on screen', by: 'Test Assessor' };
    },
  };
  // What the tester types comes from the instruction; the test keeps the structured copy the driver was given.
  let pending: Parameters<InteractiveDriver['registerChild']>[0] | undefined;
  let pendingInvolvement: Parameters<InteractiveDriver['recordInvolvement']>[1] | undefined;
  class Recording extends InteractiveDriver {
    override registerChild(c: Parameters<InteractiveDriver['registerChild']>[0]) {
      pending = c;
      return super.registerChild(c);
    }
    override updateChild(r: string, c: Parameters<InteractiveDriver['registerChild']>[0]) {
      pending = c;
      return super.updateChild(r, c);
    }
    override recordInvolvement(r: string, i: Parameters<InteractiveDriver['recordInvolvement']>[1]) {
      pendingInvolvement = i;
      return super.recordInvolvement(r, i);
    }
  }
  const statement = { ...referenceStatement(), attestations: [] };
  try {
    const r = await runSuites({
      statement,
      driver: new Recording(tester, statement),
      mock: new MockClient(mocks.url, 'ctl'),
      mockPublicUrl: mocks.url,
      prompter: tester,
      suites: [
        {
          ...contactPointFeedSuite,
          tests: contactPointFeedSuite.tests.filter((t) => ['CP-FEED-009.referral-uploads', 'CP-FEED-008.end-not-delete'].includes(t.id)),
        },
        { ...securitySuite, tests: securitySuite.tests.filter((t) => t.id === 'SEC-TLS-001.attestation') },
      ],
    });
    expect(r.run.mode).toBe('interactive');
    expect(r.tests.map((t) => `${t.id} ${t.status} ${t.reason ?? ''}`)).toEqual([
      'CP-FEED-009.referral-uploads PASSED ',
      'CP-FEED-008.end-not-delete PASSED ',
      'SEC-TLS-001.attestation PASSED ',
    ]);
    expect(instructions.some((i) => /Register a new child in the ICS: .+ born \d{4}-\d\d-\d\d/.test(i))).toBe(true);
    expect(questions[0]).toMatch(/TLS/);
    expect(r.tests[2]!.attestations[0]).toMatchObject({ answer: 'yes', by: 'Test Assessor' });
  } finally {
    await sut.close();
    await mocks.close();
  }
});
