/**
 * Jira → Keycard: webhook deliveries dispatched to issue handlers, approvals decided and access revoked from
 * Jira, and the put-back of changes Keycard refuses. Other capabilities use only what is exported here.
 */
export { jiraInboundJob, receiveJiraDelivery, type DeliveryResult, type JiraDelivery, type JiraIssueHandler } from './dispatch.js';
export { requestIssueHandler } from './request-issue.js';
export { enqueuePutBack, putBackJob, type PutBack } from './put-back.js';
export { recordJiraChange, type JiraChangeRecord, type JiraPerson } from './record.js';
export { actionableChanges, type ActionableChange, type JiraMeanings } from './changes.js';
