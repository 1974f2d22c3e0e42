/**
 * Telling people and the system of record: Jira write-back, plain DMs and alerts, App Home.
 * Other capabilities use only what is exported here.
 */
export { commentJob, createIssueJob, fieldsJob, renderCommentLines, resolveMentions, transitionJob } from './jira.js';
export { alertJob, dmJob } from './slack.js';
export { gatherHome, homeAudience, homeJob, refreshHomes } from './home.js';
export * from '../shared/home-data.js';
