/**
 * What the platform knows of a service: only what the service tells it here (docs/decisions/0052).
 * Each service exports its descriptor; the mock server adds its routes and passes the modules down,
 * so a new service edits nothing in src/platform.
 */
import type { ErrorDef } from './errors.js';
import type { RouteDef } from './http.js';
import type { Preparer } from './offload.js';
import type { RuleDef, ServiceRequirement } from './rules.js';
import type { FormatCheck } from './schema.js';

/** A service as it is before it has state: what a catalogue, the docs or the prepare worker need. */
export interface ServiceDescriptor {
  /** Its routes' `service`: their OpenAPI tag, their journal entries' service, their WWW-Authenticate realm. */
  readonly name: string;
  /** The OpenAPI tag's description. */
  readonly description: string;
  /** The client permissions its routes check, each with what it allows (the interface specification's table). */
  readonly permissions: Readonly<Record<string, string>>;
  /** The string formats its schemas use (registered with registerFormats when its schemas load). */
  readonly formats: Readonly<Record<string, FormatCheck>>;
  /** The requirement a practitioner operation without a valid Practitioner-Id header breaks: the service's audit. */
  readonly practitionerRequirement: string;
  /** Its own problem codes (the platform's are PLATFORM_ERRORS). */
  readonly errors: Readonly<Record<string, ErrorDef>>;
  /** Its rules table (decision 0020). */
  readonly rules: Readonly<Record<string, RuleDef>>;
  /** The requirements it enforces itself (appliesTo 'service'), which the harness's catalogue merges. */
  readonly requirements: readonly ServiceRequirement[];
  /** The preparers its routes name, for the prepare worker's registry (decision 0009). */
  readonly preparers: ReadonlyArray<Preparer<never, unknown>>;
}

/** A running service: its descriptor and its route table over its domain state. */
export interface ServiceModule extends ServiceDescriptor {
  readonly routes: RouteDef[];
}
