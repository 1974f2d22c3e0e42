/**
 * Done and Could not do it on manual fulfilment tasks. The button value only points at a task:
 * `closeTask` re-reads it and checks that the clicker is an admin or one of the app's fulfillers, and not
 * the person whose access the task is about.
 */
import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { ListenerRouter } from '../router.js';
import type { WorkflowDeps } from '../../workflows/shared/deps.js';
import { closeTask } from '../../workflows/fulfilment/index.js';
import { TASK_DONE_ACTION, TASK_FAILED_ACTION } from '../blocks/task-card.js';
import { tellUser } from './feedback.js';
import { idFromValue } from './ids.js';

export function registerTaskListeners(router: ListenerRouter, deps: WorkflowDeps): void {
  for (const [actionId, outcome] of [
    [TASK_DONE_ACTION, 'done'],
    [TASK_FAILED_ACTION, 'failed'],
  ] as const) {
    router.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, client, respond }) => {
      await ack();
      const result = closeTask(deps, idFromValue(action.value), body.user.id, outcome);
      await tellUser({ body, client, respond }, result.kind === 'closed' ? result.text : result.message);
    });
  }
}
