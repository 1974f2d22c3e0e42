/**
 * Evidence: what proves the record to an auditor. Today the audit log's checkpoints (posted where the
 * database cannot reach) and their verification.
 */
export { auditCheckpointJob, enqueueAuditCheckpoint } from './audit-checkpoint.js';
export { auditKeyWarnings, auditVerifyJob, requestAuditVerify } from './audit-verify.js';
