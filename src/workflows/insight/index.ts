/**
 * Insight: what an admin or an auditor asks of the records. A request's whole chain (`audit`), a person's
 * access and requests, every request of a range as CSV (`export`), the figures of a period (`stats`), and
 * what is active and what waits (`grants`, `pending`), paged.
 */
export { auditPerson, auditRequest, findRequest, requestNotFound, resolvePerson, type AuditDeps } from './audit.js';
export { unknownApp } from './apps.js';
export { requestRequestsExport, requestsExportJob, requestsCsv, readRange, REQUESTS_CSV_COLUMNS } from './export.js';
export { computeStats, statsText, type Stats } from './stats.js';
export { grantsPage, pendingPage, LIST_PAGE_SIZE } from './lists.js';
export { lastUseWords, LAST_USE_TIMEOUT_MS } from './last-use.js';
