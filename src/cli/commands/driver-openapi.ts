import type { CommandModule } from 'yargs';

export const driverOpenApiCommand = (): CommandModule<object, object> => ({
  command: 'driver-openapi',
  describe: "Print the driver API's OpenAPI 3.1 document (what your test build implements)",
  handler: async () => {
    const { buildDriverOpenApi } = await import('../../harness/driver-api/openapi.js');
    console.log(JSON.stringify(buildDriverOpenApi(), null, 2));
  },
});
