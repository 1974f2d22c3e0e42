/**
 * Approvals: routing a stage to its approvers, their cards, decisions, reminders, escalation and the
 * request TTL. Other capabilities use only what is exported here.
 */
export { routeStageJob } from './route.js';
export { approverDmJob, buildApprovalCard, updateStepJob } from './cards.js';
export { canDecide, decideStep, type DecideCheck, type DecideInput, type DecideResult, type Decision } from './decide.js';
export { escalateStepJob } from './escalate.js';
export { sweepApprovals, sweepEscalations, sweepReminders, sweepRequestTtl, type ApprovalSweep } from './reminders.js';
export { activeDelegations, endDelegation, startDelegation, sweepDelegations, type DelegationResult } from './delegate.js';
