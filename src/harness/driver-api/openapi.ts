/** The driver API's OpenAPI 3.1 document, built from the operations table (./operations.ts) and its schemas. */
import { DRIVER_BASE } from './schemas.js';
import { DRIVER_OPERATION_LIST, pathParams, type DriverOperation } from './operations.js';
import { VERSION } from '../../platform/version.js';

export function buildDriverOpenApi(extra: Array<DriverOperation & { operationId: string }> = []): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of [...DRIVER_OPERATION_LIST, ...extra]) {
    const params = pathParams(op.path).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
    (paths[DRIVER_BASE + op.path] ??= {})[op.method] = {
      operationId: op.operationId,
      summary: op.summary,
      description: op.description,
      'x-capability': op.capability,
      ...(params.length ? { parameters: params } : {}),
      ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: JSON.parse(JSON.stringify(op.body)) } } } } : {}),
      responses: {
        [String(op.response.status)]: {
          description: 'Done.',
          ...(op.response.schema ? { content: { 'application/json': { schema: JSON.parse(JSON.stringify(op.response.schema)) } } } : {}),
        },
        '4XX': { description: 'The system could not perform the step (problem+json).' },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'ics-conformance driver API',
      version: VERSION,
      description:
        'Implemented by a vendor in a test build of its ICS, so the harness can make it act. Not part of the national services. See docs/driver-api.md.',
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    paths,
  };
}
