/**
 * One check before the first test (issue 20): a connection to the system's driver API (`GET
 * /system`) and to the mock services, with the control token. A system that is not running is then
 * said once, with the URL and the reason (ECONNREFUSED said as such), instead of as the same ERROR
 * under every test. A system that answers, however badly, is the run's to judge: its answers are
 * evidence in the bundle (decision 0010), so only "no connection at all" stops here.
 */
import { connectionFailure, noConnection } from '../../platform/net.js';
import { DRIVER_BASE } from '../driver-api/schemas.js';

/** The pre-flight found the system or the mocks unusable: exit 3, nothing run, no bundle. */
export class PreflightError extends Error {}

export interface PreflightOptions {
  /** The driver API's base URL (an automated run). */
  driverUrl?: string;
  mockUrl: string;
  controlToken: string;
  signal?: AbortSignal;
}

/** Checks both and says every problem found, each once. */
export async function preflight(o: PreflightOptions): Promise<void> {
  const problems: string[] = [];
  const timeout = (ms: number) => (o.signal ? AbortSignal.any([o.signal, AbortSignal.timeout(ms)]) : AbortSignal.timeout(ms));
  const [sut, mocks] = await Promise.allSettled([
    o.driverUrl ? fetch(`${o.driverUrl}${DRIVER_BASE}/system`, { redirect: 'manual', signal: timeout(10_000) }) : Promise.resolve(undefined),
    fetch(`${o.mockUrl}/control/v1/sessions`, {
      headers: { authorization: `Bearer ${o.controlToken}` },
      redirect: 'manual',
      signal: timeout(10_000),
    }),
  ]);
  if (sut.status === 'fulfilled') await sut.value?.body?.cancel().catch(() => undefined);
  else if (noConnection(sut.reason))
    problems.push(
      `the system under test's driver API at ${o.driverUrl} is unreachable: ${connectionFailure(sut.reason)}. Is the system (its test build, with the driver API) running there? (--sut)`,
    );
  if (mocks.status === 'rejected') {
    if (noConnection(mocks.reason))
      problems.push(`the mock services at ${o.mockUrl} are unreachable: ${connectionFailure(mocks.reason)} (--mock-url)`);
  } else {
    await mocks.value.body?.cancel().catch(() => undefined);
    if (mocks.value.status === 401)
      problems.push(
        `the mock services at ${o.mockUrl} refused the control token (401): give that server's control token (--control-token or $ICS_CONTROL_TOKEN)`,
      );
  }
  if (problems.length) throw new PreflightError(`pre-flight check failed, no test was run:\n  - ${problems.join('\n  - ')}`);
}
