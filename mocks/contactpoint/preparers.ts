/** ContactPoint's feed messages as preparers: parse, validate, then the directory's pure prepare step. */
import type { Preparer } from '../../src/core/offload.js';
import { CafIndicatorMessage, InvolvementMessage } from './schemas.js';
import { prepareMessage, type PreparedMessage } from './domain/prepare.js';

export const involvementPreparer: Preparer<InvolvementMessage, PreparedMessage> = {
  name: 'contactpoint.involvement',
  schema: InvolvementMessage,
  requirement: 'CP-FEED-001',
  prepare: (msg) => prepareMessage('involvement', msg),
};

export const cafIndicatorPreparer: Preparer<CafIndicatorMessage, PreparedMessage> = {
  name: 'contactpoint.caf-indicator',
  schema: CafIndicatorMessage,
  requirement: 'CP-CAF-001',
  prepare: (msg) => prepareMessage('caf', msg),
};
