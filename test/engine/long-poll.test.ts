/** Waiting longer than the control API's longest long poll (30 s) is several polls, never a refused one (issue 20). */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/mock-server/server.js';
import { MockClient, MAX_POLL_MS } from '../../src/harness/engine/mock-client.js';

let srv: RunningServer;
const controlToken = 'ctl_long_poll_test';
beforeAll(async () => {
  srv = await startServer({ port: 0, controlToken });
});
afterAll(() => srv.close());

it('waits with timeouts.messageMs of 100000 or more (a witnessed run waits minutes) and sees the message arrive', async () => {
  const mock = new MockClient(srv.url, controlToken);
  await mock.createSession('long poll');
  const token = mock.token('ics');
  const afterSeq = mock.lastSeq();
  setTimeout(
    () => void fetch(`${srv.url}/contactpoint/v1/children?familyName=X&dateOfBirth=2015-01-01`, { headers: { authorization: `Bearer ${token}` } }),
    300,
  );
  const e = await mock.waitFor((x) => x.clientId === 'ics', { afterSeq, timeoutMs: 300_000 });
  expect(e?.path).toBe('/contactpoint/v1/children');
  // Quiet for longer than one poll is also several polls.
  expect(MAX_POLL_MS).toBeLessThanOrEqual(30_000);
  await mock.deleteSession();
});
