/**
 * Drift: the catalog, the identity providers and Keycard's records compared (`/access-admin sync`, and the
 * KEYCARD_SCHEDULE_SYNC schedule). `findDrift` reads the providers and returns the report, whose `inactive`
 * lists the suspended or deactivated accounts still in catalog groups with their live Keycard grants (for
 * the lifecycle work to end); `lastDrift` is the newest check's report as kept in the database, and
 * `inactiveAccountsFound` its suspended or deactivated accounts with their grants.
 */
export { findDrift } from './find.js';
export { driftCheckJob, driftFiledJob, driftLabel, enqueueScheduledDriftCheck, inactiveAccountsFound, lastDrift, requestDriftCheck } from './check.js';
export { countsText } from './words.js';
export type { DriftReport, InactiveAccount } from '../../domain/drift.js';
