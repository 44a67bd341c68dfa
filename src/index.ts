/**
 * ics-conformance: the programmatic API.
 * @example
 * import { startServer } from 'ics-conformance';
 * const { url, mock, close } = await startServer({ port: 0, demoSession: true });
 */
export { createMockServices, MockServices, DEFAULT_SESSION_ID, demoClients, type MockServicesOptions } from './mock-server/mock.js';
export { startServer, type RunningServer, type ServerOptions } from './mock-server/server.js';
export { ensureTestPki, pkiFiles, TEST_CA_NAME, type PkiFiles, type EnsuredPki } from './mock-server/tls/pki.js';
export { Journal, type JournalEntry } from './platform/journal.js';
export { ERRORS, RULES, requirementForCode, requirementForItem, requirementForProblem, type ErrorCode } from '../mocks/rules.js';
export { ProblemError, type Problem, type ProblemItem } from './platform/problem.js';
export { type Client, type ClientSpec, type Credential, type Fault } from './platform/sessions.js';
export { PERMISSIONS, defaultClients, type Permission } from './mock-server/services.js';
export { isValidNhsNumber, isTestRangeNhsNumber, isValidUpn, isValidUln, isValidPostcode } from './platform/identifiers/index.js';
export { isValidContactPointId, makeContactPointId } from '../mocks/contactpoint/cpid.js';
export * as contactPointSchemas from '../mocks/contactpoint/schemas.js';
export { VERSION } from './platform/version.js';
