import { describe, expect, expectTypeOf, it } from 'vitest';
import { PERMISSIONS, type Permission } from '../../src/index.js';

// The package exports the permissions composed from every service, keyed by name: a vendor's test can
// name one and have the compiler check it (typecheck runs over test/), and the names are the services' own.
describe('PERMISSIONS from the package', () => {
  it('is keyed by each permission name, checked by the compiler', () => {
    expectTypeOf<'feed:write'>().toExtend<Permission>();
    expectTypeOf<'ecaf:exchange'>().toExtend<Permission>();
    expectTypeOf<'no-such-permission'>().not.toExtend<Permission>();
    expect(Object.keys(PERMISSIONS).sort()).toEqual(
      [
        'caf-indicator:write',
        'ecaf:exchange',
        'ecaf:practitioner',
        'ecaf:reports',
        'feed:read',
        'feed:write',
        'lookup',
        'lookup:sensitive',
        'shield',
      ].sort(),
    );
  });
});
