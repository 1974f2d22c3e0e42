/**
 * Keycard's App Home: Access reviews (when someone has items to review), My access, My requests, Waiting
 * for my approval, the admins' status, and a welcome for someone with nothing yet. Pure functions from
 * `HomeData` to the view.
 *
 * Block budget (Slack allows 100 in a Home): a full page of each section costs a header, a pager and its
 * items: 2 + 2 x 10 (access), 2 + 10 (requests), 2 + 2 x 10 (approvals); plus 2 dividers, 3 for the admin
 * status and 1 footer: 62. Access reviews add a header, at most HOME_REVIEWS_SHOWN (5) lines, a line for
 * the rest and a divider: 8, so 70 at most.
 * More items never add blocks, only pages ("Show more").
 */
import type { Button, HomeView, KnownBlock } from '@slack/types';
import { formatDuration } from '../../domain/duration.js';
import { accessLabel, escapeMrkdwn, formatDateTimeUtc, formatDayTimeUtc } from '../../domain/format.js';

/** Stage words may name a person as a `<@U…>` mention (a catalog `user:` stage); everything else is escaped. */
function escapeKeepingMentions(text: string): string {
  return text
    .split(/(<@[UW][A-Z0-9]+>)/)
    .map((part, i) => (i % 2 === 1 ? part : escapeMrkdwn(part)))
    .join('');
}
import {
  HOME_SECTIONS,
  type HomeApproval,
  type HomeData,
  type HomeGrant,
  type HomeOffsets,
  type HomePage,
  type HomeRequest,
  type HomeSection,
} from '../../workflows/notify/index.js';
import { GRANT_EXTEND_ACTION, GRANT_RELINQUISH_ACTION, HOME_MORE_ACTION, REQUEST_CANCEL_ACTION } from './action-ids.js';
import { APPROVE_ACTION, DENY_ACTION } from './approval-card.js';
import { REVIEW_OPEN_ACTION, formatDueDay } from './review.js';

export { HOME_MORE_ACTION };
export const HOME_CALLBACK_ID = 'keycard_home';
export const HOME_MAX_BLOCKS = 100;

/** Block ids: one per item (Slack wants them unique in a view), so a click says which item it was. */
export function homeGrantBlockId(grantId: number): string {
  return `home_grant_${grantId}`;
}
export function homeRequestBlockId(requestId: number): string {
  return `home_request_${requestId}`;
}
export function homeApprovalBlockId(stepId: number): string {
  return `home_approval_${stepId}`;
}
export function homeReviewBlockId(campaignId: number): string {
  return `home_review_${campaignId}`;
}
/** Open reviews listed in the Home; the rest are counted (each reviewer also has its DM). */
export const HOME_REVIEWS_SHOWN = 5;
export function homePagerBlockId(section: HomeSection): string {
  return `home_pager_${section}`;
}

/** The Show more button's value: which section, and where its next page starts. */
function encodeHomePage(section: HomeSection, offset: number): string {
  return `${section}:${offset}`;
}

export function decodeHomePage(value: string | undefined): { section: HomeSection; offset: number } | null {
  const match = /^([a-z]+):(\d{1,9})$/.exec(value ?? '');
  const section = HOME_SECTIONS.find((s) => s === match?.[1]);
  if (!match || !section) return null;
  return { section, offset: Number(match[2]) };
}

/** The pages the Home shows now, kept in the view's private_metadata so Show more in one section keeps the others. */
export function homeOffsetsOf(privateMetadata: string | undefined): Partial<HomeOffsets> {
  try {
    const parsed = JSON.parse(privateMetadata ?? '') as Record<string, unknown>;
    const offsets: Partial<Record<HomeSection, number>> = {};
    for (const section of HOME_SECTIONS) {
      const value = parsed[section];
      if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) offsets[section] = value;
    }
    return offsets;
  } catch {
    return {};
  }
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function plain(text: string): { type: 'plain_text'; text: string } {
  return { type: 'plain_text', text };
}

function mrkdwnContext(text: string): KnownBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] };
}

function header(text: string): KnownBlock {
  return { type: 'header', text: plain(clip(text, 150)) };
}

function what(appName: string, roleName: string): string {
  return escapeMrkdwn(accessLabel(appName, roleName));
}

/** `ends Tue 16:02 UTC, in 2h 14m`; the date instead of the weekday when it is a week or more away. */
function timeLeftText(endsAt: Date | null, now: Date): string {
  if (endsAt === null) return 'Standing access (no end date)';
  const left = endsAt.getTime() - now.getTime();
  if (left <= 0) return 'Ending now';
  const when = left >= 6 * 24 * 3_600_000 ? formatDateTimeUtc(endsAt) : formatDayTimeUtc(endsAt);
  return `Ends ${when}, in ${formatDuration(left)}`;
}

function button(actionId: string, text: string, value: string, style?: 'primary' | 'danger'): Button {
  return { type: 'button', action_id: actionId, text: plain(text), value, ...(style ? { style } : {}) };
}

function relinquishButton(grant: HomeGrant): Button {
  return {
    ...button(GRANT_RELINQUISH_ACTION, "I'm done", String(grant.grantId)),
    confirm: {
      title: plain('Give it back now?'),
      text: plain(clip(`Keycard removes your ${accessLabel(grant.appName, grant.roleName)} now. You can request it again later.`, 300)),
      confirm: plain("I'm done"),
      deny: plain('Keep it'),
    },
  };
}

function grantBlocks(grant: HomeGrant, now: Date): KnownBlock[] {
  const text = `:key: *${what(grant.appName, grant.roleName)}*\n${timeLeftText(grant.endsAt, now)}`;
  if (grant.endsAt === null) {
    return [{ type: 'section', block_id: homeGrantBlockId(grant.grantId), text: { type: 'mrkdwn', text }, accessory: relinquishButton(grant) }];
  }
  return [
    { type: 'section', text: { type: 'mrkdwn', text } },
    {
      type: 'actions',
      block_id: homeGrantBlockId(grant.grantId),
      elements: [button(GRANT_EXTEND_ACTION, 'Extend', String(grant.grantId), 'primary'), relinquishButton(grant)],
    },
  ];
}

/** `<@U1> or <@U2>`, `<@U1>, ... <@U5> or 3 more`: anyone of a stage can decide, and a stage can be a large group. */
function mentions(ids: readonly string[], max = 5): string {
  if (ids.length === 0) return 'nobody yet';
  const shown = ids.slice(0, max).map((id) => `<@${id}>`);
  if (ids.length > max) return `${shown.join(', ')} or ${ids.length - max} more`;
  return shown.length === 1 ? (shown[0] ?? '') : `${shown.slice(0, -1).join(', ')} or ${shown.at(-1) ?? ''}`;
}

function requestBlocks(request: HomeRequest): KnownBlock[] {
  const label = `${request.extension ? 'Extension of ' : ''}${what(request.appName, request.roleName)}`;
  const ref = `request #${request.requestId}${request.jiraKey ? `, ${escapeMrkdwn(request.jiraKey)}` : ''}`;
  const stage = request.stage
    ? `Stage ${request.stage.number} of ${request.stage.count}: ${escapeKeepingMentions(request.stage.who)}, waiting for ${mentions(request.stage.approvers)}`
    : 'Finding the approvers…';
  return [
    {
      type: 'section',
      block_id: homeRequestBlockId(request.requestId),
      text: { type: 'mrkdwn', text: `:hourglass_flowing_sand: *${label}* (${ref})\n${stage}` },
      accessory: {
        ...button(REQUEST_CANCEL_ACTION, 'Cancel', String(request.requestId)),
        confirm: {
          title: plain('Cancel this request?'),
          text: plain(clip(`Your request for ${accessLabel(request.appName, request.roleName)} is withdrawn and its approvers are told.`, 300)),
          confirm: plain('Cancel request'),
          deny: plain('Keep it'),
        },
      },
    },
  ];
}

function quote(text: string): string {
  return escapeMrkdwn(clip(text.replace(/\s+/g, ' ').trim() || '(no justification)', 300));
}

function approvalBlocks(item: HomeApproval): KnownBlock[] {
  const duration = item.durationText ? ` for ${item.durationText}` : '';
  const stepValue = String(item.stepId);
  return [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `<@${item.requesterSlackId}> asks for *${what(item.appName, item.roleName)}*${duration} (request #${item.requestId}, stage ${item.stageNumber} of ${item.stageCount})\n>${quote(item.justification)}`,
      },
    },
    {
      // The same buttons as the DM card: the same listeners decide, with the same checks.
      type: 'actions',
      block_id: homeApprovalBlockId(item.stepId),
      elements: [button(APPROVE_ACTION, 'Approve', stepValue, 'primary'), button(DENY_ACTION, 'Deny', stepValue, 'danger')],
    },
  ];
}

/** `Showing 11–20 of 500` with Show more (or, on the last page, back to the first). */
function pagerBlocks(section: HomeSection, page: HomePage<unknown>): KnownBlock[] {
  if (page.total <= page.pageSize) return [];
  const last = Math.min(page.offset + page.items.length, page.total);
  const next = page.offset + page.pageSize;
  const more = next < page.total;
  return [
    {
      type: 'section',
      block_id: homePagerBlockId(section),
      text: { type: 'mrkdwn', text: `Showing ${page.offset + 1}–${last} of ${page.total}` },
      accessory: button(HOME_MORE_ACTION, more ? 'Show more' : 'Back to the first', encodeHomePage(section, more ? next : 0)),
    },
  ];
}

function sectionBlocks<T>(
  section: HomeSection,
  title: string,
  page: HomePage<T>,
  empty: string,
  render: (item: T) => KnownBlock[],
): KnownBlock[] {
  const blocks: KnownBlock[] = [header(page.total > 0 ? `${title} (${page.total})` : title)];
  if (page.total === 0) return [...blocks, mrkdwnContext(empty)];
  for (const item of page.items) blocks.push(...render(item));
  return [...blocks, ...pagerBlocks(section, page)];
}

/** `Q1 CRM: 12 of 40 left to decide, due Mon 1 Dec` with **Open review**, soonest due first. */
function reviewBlocks(home: HomeData): KnownBlock[] {
  const reviews = home.reviews ?? [];
  if (reviews.length === 0) return [];
  const blocks: KnownBlock[] = [header(`Access reviews (${reviews.length})`)];
  for (const review of reviews.slice(0, HOME_REVIEWS_SHOWN)) {
    const left = review.left === 0 ? `all ${review.total} decided` : `${review.left} of ${review.total} left to decide`;
    blocks.push({
      type: 'section',
      block_id: homeReviewBlockId(review.campaignId),
      text: { type: 'mrkdwn', text: `:mag: *${escapeMrkdwn(clip(review.name, 200))}*: ${left}, due ${formatDueDay(review.dueAt)}` },
      accessory: button(REVIEW_OPEN_ACTION, 'Open review', String(review.campaignId), review.left > 0 ? 'primary' : undefined),
    });
  }
  if (reviews.length > HOME_REVIEWS_SHOWN) blocks.push(mrkdwnContext(`And ${reviews.length - HOME_REVIEWS_SHOWN} more: each has its *Open review* in your DMs.`));
  return [...blocks, { type: 'divider' }];
}

function adminBlocks(home: HomeData): KnownBlock[] {
  if (!home.admin) return [];
  const { pendingRequests, activeElevatedGrants, deadJobs } = home.admin;
  return [
    { type: 'divider' },
    header('Keycard status'),
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Pending requests*\n${pendingRequests}` },
        { type: 'mrkdwn', text: `*Active elevated grants*\n${activeElevatedGrants}` },
        { type: 'mrkdwn', text: `*Failing jobs*\n${deadJobs > 0 ? `:rotating_light: ${deadJobs} (see \`/access-admin status\`)` : '0'}` },
      ],
    },
  ];
}

function welcomeBlocks(home: HomeData): KnownBlock[] {
  const example = home.example ? ` For example \`${escapeMrkdwn(home.example)}\`.` : '';
  return [
    header('Welcome to Keycard'),
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: 'Keycard gets you access to company apps without a ticket queue: you ask in Slack, the right people approve here, and Keycard adds you to the app\'s groups itself. Time-bound access ends on its own, and every step is recorded in Jira.',
      },
    },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*Type \`/request\` to ask for access.*${example}\n\`/request help\` explains the rest with examples from the catalog.`,
      },
    },
    mrkdwnContext('Your access, your requests and anything waiting for your approval will show up here.'),
  ];
}

/** The Home view for `home`; within Slack's 100 blocks whatever the amounts (see the budget above). */
export function buildHomeView(home: HomeData): HomeView {
  const nothing = home.grants.total === 0 && home.requests.total === 0 && home.approvals.total === 0 && (home.reviews ?? []).length === 0;
  const blocks: KnownBlock[] = nothing
    ? [...welcomeBlocks(home), ...adminBlocks(home)]
    : [
        ...reviewBlocks(home),
        ...sectionBlocks('grants', 'My access', home.grants, 'No access through Keycard right now. Type `/request` to ask for some.', (g) => grantBlocks(g, home.now)),
        { type: 'divider' },
        ...sectionBlocks('requests', 'My requests', home.requests, 'No requests waiting for approval.', requestBlocks),
        { type: 'divider' },
        ...sectionBlocks('approvals', 'Waiting for my approval', home.approvals, 'Nothing waits for your approval.', approvalBlocks),
        ...adminBlocks(home),
        mrkdwnContext(`Type \`/request\` to ask for access, \`/request help\` for examples. Updated ${formatDayTimeUtc(home.now)}.`),
      ];
  return { type: 'home', callback_id: HOME_CALLBACK_ID, private_metadata: JSON.stringify(home.offsets), blocks };
}
