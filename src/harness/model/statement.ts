/**
 * The conformance statement: the vendor declares its system and capabilities; that selects the suites.
 * Settings come from (lowest to highest precedence) built-in defaults, the statement file, environment
 * variables (ICS_*), then command-line flags.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { Type, Closed, type Static, DateString } from '../../platform/schema.js';
import { validator, toProblemItems } from '../../platform/validate.js';
import { CAPABILITIES, type Capability } from './result-types.js';
import { ConfigError } from './config-error.js';
import { PROFILES, SOURCE_SYSTEM_TYPES, aSystem, checkCapabilities, type SourceSystemType } from './profiles.js';

export { ConfigError };

const CapabilityEnum = Type.Unsafe<Capability>({ type: 'string', enum: Object.keys(CAPABILITIES) });

export const Statement = Closed(
  {
    vendor: Type.String({ minLength: 1, maxLength: 100 }),
    product: Type.String({ minLength: 1, maxLength: 100 }),
    version: Type.String({ minLength: 1, maxLength: 40 }),
    sourceSystemType: Type.Unsafe<SourceSystemType>({
      type: 'string',
      enum: [...SOURCE_SYSTEM_TYPES],
      description: 'Selects the source-system profile (src/harness/model/profiles.ts): services, identifiers and actions the suites use.',
    }),
    capabilities: Type.Array(CapabilityEnum, { uniqueItems: true, description: '"core" is always included.' }),
    sut: Type.Optional(
      Closed({
        driverUrl: Type.Optional(Type.String({ format: 'uri' })),
        maxAnswerBytes: Type.Optional(
          Type.Integer({
            minimum: 1024,
            maximum: 256 * 1024 * 1024,
            description: 'Cap on one driver API answer (default 4 MiB); a longer answer is an ERROR.',
          }),
        ),
      }),
    ),
    mocks: Type.Optional(
      Closed({
        url: Type.Optional(Type.String({ format: 'uri', description: 'A running `serve` instance; default: start one in-process.' })),
        controlToken: Type.Optional(Type.String()),
        host: Type.Optional(Type.String()),
        port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
        publicUrl: Type.Optional(Type.String({ format: 'uri', description: "The mocks' URL as the SUT must reach it, if not the local one." })),
      }),
    ),
    timeouts: Type.Optional(
      Closed({
        messageMs: Type.Optional(Type.Integer({ minimum: 100 })),
        giveUpMs: Type.Optional(Type.Integer({ minimum: 100 })),
        quietMs: Type.Optional(Type.Integer({ minimum: 10 })),
        sutRequestMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000 })),
      }),
    ),
    retry: Type.Optional(
      Closed(
        {
          maxAttempts: Type.Optional(
            Type.Integer({
              minimum: 1,
              maximum: 1000,
              description: 'The most attempts the system makes at one message before it gives up and reports it undelivered.',
            }),
          ),
        },
        { description: 'The retry budget: with timeouts.giveUpMs (how long it keeps trying), what RES-004 judges the give-up against.' },
      ),
    ),
    deselect: Type.Optional(Type.Array(Type.String(), { description: 'Optional tests to leave out (mandatory tests cannot be).' })),
    attestations: Type.Optional(
      Type.Array(
        Closed({
          requirement: Type.String(),
          answer: Type.Unsafe<'yes' | 'no'>({ type: 'string', enum: ['yes', 'no'] }),
          note: Type.Optional(Type.String()),
          by: Type.Optional(Type.String()),
        }),
      ),
    ),
    waivers: Type.Optional(
      Type.Array(
        Closed({
          test: Type.Optional(Type.String()),
          requirement: Type.Optional(Type.String()),
          identity: Type.Optional(
            Type.Boolean({ description: 'Waives a mismatch between what the system reports (/system) and vendor, product, version here.' }),
          ),
          reason: Type.String({ minLength: 1 }),
          approver: Type.String({ minLength: 1 }),
          expires: DateString(),
        }),
      ),
    ),
    seed: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { title: 'ConformanceStatement' },
);
export type Statement = Static<typeof Statement>;

export function parseStatement(text: string, origin: string): Statement {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new ConfigError(`${origin}: not valid YAML/JSON: ${(err as Error).message}`);
  }
  const v = validator(Statement);
  if (!v(raw)) {
    const items = toProblemItems(v.errors, 'CONFIG');
    throw new ConfigError(`${origin}: ${items.map((i) => `${i.path || '/'} ${i.message}`).join('; ')}`);
  }
  const st = raw as Statement;
  try {
    checkCapabilities(st.sourceSystemType, st.capabilities);
  } catch (err) {
    throw new ConfigError(`${origin}: ${(err as Error).message}`);
  }
  return st;
}

export function loadStatement(file: string): Statement {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read ${file}: ${(err as Error).message}`);
  }
  return parseStatement(text, file);
}

/** Environment overrides (documented in the README). */
export function fromEnv(env: NodeJS.ProcessEnv): Partial<{ driverUrl: string; mockUrl: string; controlToken: string }> {
  return {
    ...(env.ICS_SUT_URL ? { driverUrl: env.ICS_SUT_URL } : {}),
    ...(env.ICS_MOCK_URL ? { mockUrl: env.ICS_MOCK_URL } : {}),
    ...(env.ICS_CONTROL_TOKEN ? { controlToken: env.ICS_CONTROL_TOKEN } : {}),
  };
}

const CAPABILITY_NOTES: Record<Exclude<Capability, 'core'>, string> = {
  'contactpoint-feed': 'sends involvements to ContactPoint',
  'local-ecaf': 'has a local eCAF module that sends CAF indicators to ContactPoint',
  'ecaf-transfer-out': 'transfers single episodes into National eCAF',
  'ecaf-transfer-in': 'receives single episodes from National eCAF',
  'migration-export': 'exports a batch of local episodes for migration into National eCAF',
};

/** The capabilities a type's template declares: its feed, and a local eCAF module where it is one or may have one. */
const TEMPLATE_CAPABILITIES: Record<SourceSystemType, Capability[]> = {
  ics: ['contactpoint-feed', 'local-ecaf'],
  'local-ecaf': ['local-ecaf'],
  education: ['contactpoint-feed'],
  health: ['contactpoint-feed'],
  youth: ['contactpoint-feed'],
  'youth-offending': ['contactpoint-feed'],
  connexions: ['contactpoint-feed'],
  other: ['contactpoint-feed'],
};

function capabilityLines(type: SourceSystemType): string {
  const can = PROFILES[type].capabilities.filter((c): c is Exclude<Capability, 'core'> => c !== 'core');
  return [
    '# What your integration does. "core" (credentials, resilience) always runs.',
    `# ${aSystem(type).replace(/^a/, 'A')} can declare:`,
    ...can.map((c) => `#   ${c.padEnd(19)} ${CAPABILITY_NOTES[c]}`),
    'capabilities:',
    ...TEMPLATE_CAPABILITIES[type].map((c) => `  - ${c}`),
    '',
  ].join('\n');
}

/** A commented conformance statement for a kind of source system (`init --source-system`). */
export function statementTemplate(type: SourceSystemType = 'ics'): string {
  return `# ics-conformance conformance statement
# Declares the system under test and what it does; this selects the suites that run.
# Precedence: built-in defaults < this file < environment (ICS_SUT_URL, ICS_MOCK_URL,
# ICS_CONTROL_TOKEN) < command-line flags.

vendor: Example Software Ltd
product: ${type === 'ics' ? 'Example ICS' : `Example ${type} system`}
version: 4.2.0

# ics | local-ecaf | education | health | youth | youth-offending | connexions | other
# The type picks the services, identifiers and actions the suites use (docs/source-systems.md).
sourceSystemType: ${type}

${capabilityLines(type)}
sut:
  # The driver API of your test build (docs/driver-api.md).
  driverUrl: http://127.0.0.1:8080
  # maxAnswerBytes: 4194304   # cap on one driver API answer; a longer one is an ERROR

# mocks:
#   url: http://127.0.0.1:4010        # use a running "ics-conformance serve" instead of starting one
#   controlToken: ...                 # its control token (or ICS_CONTROL_TOKEN)
#   publicUrl: http://harness.local:4010   # how your system reaches the mocks, if not 127.0.0.1

# timeouts:
#   messageMs: 5000     # how long your system has to send a message after an action
#   giveUpMs: 8000      # how long it may keep retrying a service that stays down
#   quietMs: 300
#   sutRequestMs: 10000 # how long your system waits for an answer before it abandons a request

# retry:
#   maxAttempts: 5      # your retry budget: attempts at one message before it is reported undelivered

# Optional tests to leave out. Mandatory tests of a declared capability cannot be deselected.
# deselect: []

# Answers for requirements no machine can check (otherwise the run asks, or marks them REVIEW).
# attestations:
#   - requirement: SEC-TLS-001
#     answer: yes
#     note: TLS 1.2+, certificate pinned, token in the HSM-backed vault
#     by: A. Assessor

# Known failures accepted for now: reported, not blocking, until they expire.
# waivers:
#   - requirement: RES-003
#     reason: backoff lands in release 4.3
#     approver: J. Smith (accreditation)
#     expires: 2027-03-31
#   - identity: true    # the system reports another vendor/product/version than declared above
#     reason: release candidate 4.2.0-rc3 under test
#     approver: J. Smith (accreditation)
#     expires: 2027-03-31
`;
}

export const STATEMENT_TEMPLATE = statementTemplate('ics');
