/**
 * The driver API's one table (src/harness/driver-api/operations.ts) read three ways: the OpenAPI
 * document lists each operation at its method and path, the reference ICS routes each one, and the
 * harness's client fills the table's path for each call. They agree by construction; this shows it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVER_OPERATION_LIST, driverPath, pathParams } from '../../src/harness/driver-api/operations.js';
import { DRIVER_BASE } from '../../src/harness/driver-api/schemas.js';
import { buildDriverOpenApi } from '../../src/harness/driver-api/openapi.js';
import { startReferenceIcs, type RunningReferenceIcs } from '../../reference-ics/app.js';

let sut: RunningReferenceIcs;
beforeAll(async () => {
  sut = await startReferenceIcs({ port: 0 });
});
afterAll(() => sut.close());

describe.each(DRIVER_OPERATION_LIST.map((op) => [op.operationId, op] as const))('driver operation %s', (id, op) => {
  const params = Object.fromEntries(pathParams(op.path).map((p) => [p, 'no such ref/x']));

  it('is in the OpenAPI document at its method and path', () => {
    const paths = buildDriverOpenApi().paths as Record<string, Record<string, { operationId: string }>>;
    expect(paths[DRIVER_BASE + op.path]?.[op.method]?.operationId).toBe(id);
  });

  it('is a route of the reference ICS (not "No such driver operation")', async () => {
    const res = await fetch(sut.url + driverPath(id, params), {
      method: op.method.toUpperCase(),
      headers: { 'content-type': 'application/json' },
      ...(op.method === 'get' ? {} : { body: '{}' }),
    });
    const body = (await res.json().catch(() => ({}))) as { title?: string };
    expect(body.title).not.toBe('No such driver operation');
  });

  it('is called at the table path, its parameters encoded', () => {
    expect(driverPath(id, params)).toBe(DRIVER_BASE + op.path.replace(/\{\w+\}/g, encodeURIComponent('no such ref/x')));
  });
});
