/** ContactPoint's feed messages as preparers: parse, validate, then the directory's pure prepare step. */
import type { Preparer } from '../../src/platform/offload.js';
import { CafIndicatorMessage, InvolvementMessage } from './schemas.js';
import { prepareMessage, ruleErrorsDespiteSchema, type PreparedMessage } from './domain/prepare.js';
import { CAF_INDICATOR_FIELDS, INVOLVEMENT_FIELDS } from './rules.js';

export const involvementPreparer: Preparer<InvolvementMessage, PreparedMessage> = {
  name: 'contactpoint.involvement',
  schema: InvolvementMessage,
  // Malformed JSON breaks the interface specification as a whole; schema failures cite their field's requirement.
  requirement: 'CP-FEED-014',
  fields: INVOLVEMENT_FIELDS,
  prepare: (msg) => prepareMessage('involvement', msg),
  alsoBroken: (body, schemaErrors) => ruleErrorsDespiteSchema('involvement', body, schemaErrors),
};

export const cafIndicatorPreparer: Preparer<CafIndicatorMessage, PreparedMessage> = {
  name: 'contactpoint.caf-indicator',
  schema: CafIndicatorMessage,
  requirement: 'CP-CAF-001',
  fields: CAF_INDICATOR_FIELDS,
  prepare: (msg) => prepareMessage('caf', msg),
  alsoBroken: (body, schemaErrors) => ruleErrorsDespiteSchema('caf', body, schemaErrors),
};
