import type { Suite } from '../../src/harness/engine/types.js';
import { referralUploads } from './CP-FEED-009.referral-uploads.js';
import { noCaseInformation } from './CP-FEED-002.no-case-information.js';
import { supersededAddress } from './CP-FEED-007.superseded-address.js';
import { endNotDelete } from './CP-FEED-008.end-not-delete.js';
import { leadProfessional } from './CP-FEED-012.lead-professional.js';
import { under18 } from './CP-FEED-005.under-18.js';
import { sensitiveBasis } from './CP-FEED-006.sensitive-basis.js';
import { identifiers } from './CP-FEED-003.identifiers.js';
import { initialLoad } from './CP-FEED-011.initial-load.js';
import { hardChildren } from './CP-FEED-015.hard-children.js';

export const contactPointFeedSuite: Suite = {
  id: 'contactpoint-feed',
  title: 'ContactPoint involvement feed',
  description:
    'What a source system (an ICS, a school, a clinic, a YOT, Connexions...) sends to ContactPoint when ' +
    'practitioners work in it: involvements, changes, endings, lead professional; never case information.',
  capability: 'contactpoint-feed',
  tests: [
    referralUploads,
    noCaseInformation,
    identifiers,
    supersededAddress,
    endNotDelete,
    leadProfessional,
    sensitiveBasis,
    under18,
    hardChildren,
    initialLoad,
  ],
};
