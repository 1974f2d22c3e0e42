/**
 * The fulfilment task card posted to the alert channel for manual apps. Pure functions.
 */
import type { KnownBlock } from '@slack/types';
import { escapeMrkdwn, formatDateTimeUtc } from '../../domain/format.js';
import type { TaskCard } from '../../workflows/shared/ports.js';

export const TASK_ACTIONS_BLOCK = 'task_actions';
export const TASK_DONE_ACTION = 'task_done';
export const TASK_FAILED_ACTION = 'task_failed';

export function taskCardText(card: TaskCard): string {
  const verb = card.kind === 'grant' ? 'Give' : 'Remove';
  return `${verb} ${card.appName} / ${card.roleName} ${card.kind === 'grant' ? 'to' : 'from'} ${card.userEmail ?? card.userSlackId}`;
}

export function buildTaskCardBlocks(card: TaskCard): KnownBlock[] {
  const what = `*${escapeMrkdwn(card.appName)} / ${escapeMrkdwn(card.roleName)}*`;
  const who = `<@${card.userSlackId}>${card.userEmail ? ` (${escapeMrkdwn(card.userEmail)})` : ''}`;
  const headline =
    card.kind === 'grant'
      ? `:hammer_and_wrench: *Manual fulfilment*: give ${what} to ${who}${card.durationText ? ` for ${card.durationText}` : ''}.`
      : `:broom: *Manual removal*: take ${what} away from ${who}.`;
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: headline } },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `Request #${card.requestId}${card.jiraUrl && card.jiraKey ? `, <${card.jiraUrl}|${card.jiraKey}>` : ''}. ${card.fulfillers.length > 0 ? `Fulfillers: ${card.fulfillers.map((f) => `<@${f}>`).join(', ')} or a Keycard admin.` : 'A Keycard admin confirms.'}`,
        },
      ],
    },
  ];
  if (card.outcome) {
    const done = card.outcome.status === 'done';
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `${done ? ':white_check_mark: Done' : ':x: Could not be done'}, confirmed by <@${card.outcome.by}> at ${formatDateTimeUtc(card.outcome.at)}` },
    });
    return blocks;
  }
  const value = String(card.taskId);
  blocks.push({
    type: 'actions',
    block_id: TASK_ACTIONS_BLOCK,
    elements: [
      { type: 'button', action_id: TASK_DONE_ACTION, style: 'primary', text: { type: 'plain_text', text: 'Done' }, value },
      { type: 'button', action_id: TASK_FAILED_ACTION, style: 'danger', text: { type: 'plain_text', text: 'Could not do it' }, value },
    ],
  });
  return blocks;
}
