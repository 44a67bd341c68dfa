import type { TestDef } from '../../src/harness/engine/types.js';
import { SUT_CLIENT } from '../../src/harness/engine/runner.js';
import { referChild } from '../support.js';

export const configuredCredentials: TestDef = {
  id: 'SEC-AUTH-001.configured-credentials',
  title: 'The system authenticates with the credentials it is configured with, and picks up new ones',
  requirements: ['SEC-AUTH-001', 'SEC-SECRET-001'],
  capability: 'contactpoint-feed',
  async run(t) {
    const first = await referChild(t, { requirement: 'SEC-AUTH-001' });
    if (first.message)
      t.check('SEC-AUTH-001', first.message.clientId === SUT_CLIENT, 'the message carried the configured token', { exchange: first.message.seq });
    t.step('Credentials are rotated: configure the new token in the system');
    const token = await t.mock.rotate(SUT_CLIENT);
    await t.driver.configure({ contactPoint: { baseUrl: t.mock.publicUrl, token }, ecaf: { baseUrl: t.mock.publicUrl, token } });
    const second = await referChild(t, { requirement: 'SEC-AUTH-001' });
    if (second.message)
      t.check('SEC-AUTH-001', second.message.clientId === SUT_CLIENT, 'after rotation the message carried the new token', {
        exchange: second.message.seq,
      });
    const unauth = (await t.mock.entriesAfter(t.startSeq)).filter((e) => e.status === 401);
    t.check('SEC-AUTH-001', unauth.length === 0, `${unauth.length} request(s) failed authentication`, { expected: 0, actual: unauth.length });
    // The journal masks credential-named query parameters and fields (and says where): that is a leak too.
    const leaks = (await t.sutEntries()).filter(
      (e) => (e.masked?.length ?? 0) > 0 || (JSON.stringify(e.requestBody ?? '') + e.path + JSON.stringify(e.query)).includes(token),
    );
    t.check('SEC-SECRET-001', leaks.length === 0, 'the token travelled only in the Authorization header', { expected: 0, actual: leaks.length });
  },
};
