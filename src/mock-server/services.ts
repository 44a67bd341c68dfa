/**
 * The services this server runs, composed (docs/decisions/0052): the platform learns of them only
 * from these descriptors. A third service is a line here and its routes in mock.ts.
 */
import type { ClientSpec } from '../platform/sessions.js';
import type { ServiceDescriptor } from '../platform/service.js';
import { CONTACTPOINT_SERVICE } from '../../mocks/contactpoint/service.js';
import { ECAF_SERVICE } from '../../mocks/ecaf/service.js';

export const SERVICES: readonly ServiceDescriptor[] = [CONTACTPOINT_SERVICE, ECAF_SERVICE];

/** The control API's OpenAPI tag: not a national service. */
export const CONTROL_TAG = { name: 'control', description: "Control API for the harness and vendors' tests (not part of the national services)." };

/** Every permission name of the composed services, as a type (the package exported it literal-keyed before). */
export type Permission = keyof typeof CONTACTPOINT_SERVICE.permissions | keyof typeof ECAF_SERVICE.permissions;

/** Every permission a client may hold, with what it allows (each service defines its own; one name, one meaning). */
export const PERMISSIONS: Readonly<Record<Permission, string>> = (() => {
  const out: Record<string, string> = {};
  for (const s of SERVICES)
    for (const [name, meaning] of Object.entries(s.permissions)) {
      if (name in out) throw new Error(`permission "${name}" is defined by two services`);
      out[name] = meaning;
    }
  return out as Record<Permission, string>;
})();

/** The clients every new session gets unless it names its own: one of each kind the services serve. */
export function defaultClients(): ClientSpec[] {
  return [
    {
      id: 'ics',
      name: 'Demo Borough ICS',
      organisation: "London Borough of Barnet Children's Social Care",
      permissions: ['feed:write', 'feed:read', 'caf-indicator:write', 'ecaf:exchange'],
    },
    {
      id: 'ics-neighbour',
      name: 'Neighbouring Borough ICS',
      organisation: "Westminster City Council Children's Services",
      permissions: ['feed:write', 'feed:read', 'caf-indicator:write', 'ecaf:exchange'],
    },
    { id: 'education', name: 'School MIS', organisation: 'Westminster Education Service', permissions: ['feed:write', 'feed:read'] },
    { id: 'practitioner', name: 'ContactPoint practitioner portal', organisation: 'ContactPoint', permissions: ['lookup', 'ecaf:practitioner'] },
    {
      id: 'la-admin',
      name: 'Local authority ContactPoint team',
      organisation: 'London Borough of Barnet',
      permissions: ['lookup', 'lookup:sensitive', 'shield', 'ecaf:reports'],
    },
    { id: 'no-permissions', name: 'Unaccredited system', organisation: 'Nobody', permissions: [] },
  ];
}
