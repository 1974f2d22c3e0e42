/**
 * The "your access ends soon" DM with Extend and I'm done. Pure functions.
 */
import type { KnownBlock } from '@slack/types';
import { escapeMrkdwn, formatDayTimeUtc } from '../../domain/format.js';
import type { GrantNotice } from '../../workflows/shared/ports.js';
import { GRANT_EXTEND_ACTION, GRANT_RELINQUISH_ACTION } from './action-ids.js';

export const GRANT_ACTIONS_BLOCK = 'grant_actions';

export function grantNoticeText(notice: GrantNotice): string {
  return `Your ${notice.appName} / ${notice.roleName} ends at ${formatDayTimeUtc(notice.endsAt)}`;
}

export function buildGrantNoticeBlocks(notice: GrantNotice): KnownBlock[] {
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `:hourglass_flowing_sand: Your *${escapeMrkdwn(notice.appName)} / ${escapeMrkdwn(notice.roleName)}* ends at *${formatDayTimeUtc(notice.endsAt)}*.` },
    },
  ];
  if (notice.extendNote) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(notice.extendNote) }] });
  const value = String(notice.grantId);
  blocks.push({
    type: 'actions',
    block_id: GRANT_ACTIONS_BLOCK,
    elements: [
      ...(notice.canExtend ? [{ type: 'button' as const, action_id: GRANT_EXTEND_ACTION, style: 'primary' as const, text: { type: 'plain_text' as const, text: 'Extend' }, value }] : []),
      { type: 'button', action_id: GRANT_RELINQUISH_ACTION, text: { type: 'plain_text', text: "I'm done" }, value },
    ],
  });
  return blocks;
}
