/**
 * Grants: provisioning, the ends-soon warning, extensions, and the one removal path that expiry, I'm done
 * and revocation share (`startRemoval` then `deprovisionJob`). Other capabilities use only what is exported here.
 */
export { provisionJob } from './provision.js';
export { grantNotice, grantNoticeJob, sweepWarnings } from './warn.js';
export { applyExtension, checkExtension, offerExtension, requestExtension, type ExtensionCheck, type ExtensionOffer, type ExtensionResult } from './extend.js';
export { relinquishGrant, type RelinquishResult } from './relinquish.js';
export { revokeAccess, revokeByJiraKey, type RevokeResult } from './revoke.js';
export { endingReasonOf, startRemoval, sweepExpired } from './expire.js';
export { deprovisionJob } from './remove.js';
export { busyError, removeOutsideGrants, type OutsideRemoval, type OutsideResult } from './remove-outside.js';
export { recheckRemovalJob } from './recheck.js';
export { recordRemovedByHand, type RemovedByHandResult } from './removed-by-hand.js';
export { extendByAdmin, type AdminExtendResult } from './admin-extend.js';
export { extendPersonAccess, findPersonAccess, revokePersonAccess, type AccessRef, type PersonAccess } from './by-person.js';
export { endAccessOfInactiveAccount, type InactiveAccountResult } from './inactive.js';
