/**
 * Manual fulfilment: tasks for IT to grant or remove access to apps without SSO groups, confirmed in Slack.
 * Other capabilities use only what is exported here.
 */
export { closeTask, openTask, taskCard, taskJob, updateTaskJob, type TaskResult } from './tasks.js';
