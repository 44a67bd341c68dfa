import type { CommandModule } from 'yargs';
import { buildDriverOpenApi } from '../../driver-api/openapi.js';

export const driverOpenApiCommand = (): CommandModule<object, object> => ({
  command: 'driver-openapi',
  describe: 'Print the driver API\'s OpenAPI 3.1 document (what your test build implements)',
  handler: () => {
    console.log(JSON.stringify(buildDriverOpenApi(), null, 2));
  },
});
