import { describeHostileFindingProperties } from './hostileFindingProperties.js';

/** The pure hostile-finding properties at full size; `npm test` runs a tenth of each (hostileFindings.test.ts). */
describeHostileFindingProperties(1);
