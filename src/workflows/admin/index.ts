/**
 * Administration: `/access-admin` commands, what happens when a job fails for good, and retrying a request.
 */
export { admitAdminCommand, adminStatus, reloadCatalog, requestHistory, retryJob, type AdminStatus, type CatalogReloader } from './commands.js';
export { onJobDead, retryRequest, skipJob, type RetryResult, type SkipResult } from './failures.js';
export { validateCatalogFile, type CatalogValidation, type CatalogValidator } from './catalog-check.js';
