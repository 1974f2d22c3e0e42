/**
 * Access review Block Kit: the reviewer's invitation DM with **Open review**, the list of their items
 * (a modal, a page at a time, with Keep / Revoke per item, a filter, **Keep all recommended keeps** and
 * Previous / Next), and the Revoke form pushed on top of it. Pure functions from plain data.
 *
 * Block budget of the list (Slack allows 100 per view): a summary, a notice line, the controls and a page
 * line (4), three blocks per item (what, state, buttons) for REVIEW_PAGE_SIZE (20) items, and a pager at the
 * bottom: at most 65, whatever the number of items.
 */
import type { ActionsBlock, Button, KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { escapeMrkdwn, formatDateTimeUtc, formatTimeUtc } from '../../domain/format.js';
import { REVOKE_REASONS } from '../../domain/review.js';
import type { ReviewInvite } from '../../workflows/shared/ports.js';
import type { ReviewItemState, ReviewItemView, ReviewView } from '../../workflows/review/index.js';

/** Opens the reviewer's list of items (value: the campaign id), from the DM and from App Home. */
export const REVIEW_OPEN_ACTION = 'review_open';
export const REVIEW_INVITE_BLOCK = 'review_invite';
export const REVIEW_LIST_CALLBACK_ID = 'review_list';
/** Per item (value: the item id). */
export const REVIEW_KEEP_ACTION = 'review_keep';
export const REVIEW_REVOKE_ACTION = 'review_revoke';
/** Value: the ids of the items on the page in view, comma-separated. */
export const REVIEW_KEEP_RECOMMENDED_ACTION = 'review_keep_recommended';
export const REVIEW_FILTER_ACTION = 'review_filter';
/** Value: the page to show (0-based). */
export const REVIEW_PREVIOUS_ACTION = 'review_previous';
export const REVIEW_NEXT_ACTION = 'review_next';
export const REVIEW_CONTROLS_BLOCK = 'review_controls';
export const REVIEW_PAGER_BLOCK = 'review_pager';
export const REVIEW_NOTICE_BLOCK = 'review_notice';
export const REVOKE_CALLBACK_ID = 'review_revoke_form';
export const REVOKE_REASON_BLOCK = 'review_revoke_reason';
export const REVOKE_REASON_ACTION = 'review_revoke_reason_choice';
export const REVOKE_NOTE_BLOCK = 'review_revoke_note';
export const REVOKE_NOTE_ACTION = 'review_revoke_note_input';

/** The actions block of one item: its Keep and Revoke buttons. */
export function reviewItemBlockId(itemId: number): string {
  return `review_item_${itemId}`;
}
/** The item's description and its state line. */
export function reviewItemAboutBlockId(itemId: number): string {
  return `review_about_${itemId}`;
}
export function reviewItemStateBlockId(itemId: number): string {
  return `review_state_${itemId}`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** `Mon 1 Dec` (UTC). */
export function formatDueDay(at: Date): string {
  return `${DAYS[at.getUTCDay()]} ${at.getUTCDate()} ${MONTHS[at.getUTCMonth()]}`;
}

function plain(text: string): { type: 'plain_text'; text: string } {
  return { type: 'plain_text', text };
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function context(text: string, blockId?: string): KnownBlock {
  return { type: 'context', ...(blockId ? { block_id: blockId } : {}), elements: [{ type: 'mrkdwn', text: clip(text, 2000) }] };
}

function button(actionId: string, text: string, value: string, style?: 'primary' | 'danger'): Button {
  return { type: 'button', action_id: actionId, text: plain(text), value, ...(style ? { style } : {}) };
}

export function reviewInviteBlocks(invite: ReviewInvite): KnownBlock[] {
  return [
    { type: 'section', text: { type: 'mrkdwn', text: invite.text } },
    { type: 'actions', block_id: REVIEW_INVITE_BLOCK, elements: [button(REVIEW_OPEN_ACTION, 'Open review', String(invite.campaignId), 'primary')] },
  ];
}

// ------------------------------------------------------------------------------------------ the list

/** What the list carries between clicks: only what to show, never who may decide (re-checked each time). */
export interface ReviewListPlace {
  readonly campaignId: number;
  readonly page: number;
  readonly filter: string;
}

/** The fields of a view's private_metadata (JSON); empty when it is not an object. */
function fieldsOf(privateMetadata: string | undefined): Map<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(privateMetadata ?? '');
    return typeof parsed === 'object' && parsed !== null ? new Map<string, unknown>(Object.entries(parsed)) : new Map();
  } catch {
    return new Map();
  }
}

function wholeNumber(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : fallback;
}

export function reviewListPlaceOf(privateMetadata: string | undefined): ReviewListPlace {
  const fields = fieldsOf(privateMetadata);
  const filter = fields.get('filter');
  return { campaignId: wholeNumber(fields.get('campaignId'), -1), page: wholeNumber(fields.get('page'), 0), filter: typeof filter === 'string' ? filter.slice(0, 200) : 'all' };
}

function signInText(item: ReviewItemView, now: Date): string {
  const { at, source } = item.lastSignIn;
  if (source === 'none') return 'Last sign-in: unknown (the provider cannot tell)';
  const where = source === 'app' ? 'this app' : 'any app';
  if (at === null) return `Last sign-in (${where}): never`;
  const days = Math.max(0, Math.floor((now.getTime() - at.getTime()) / (24 * 3600_000)));
  return `Last sign-in (${where}): ${formatDateTimeUtc(at).slice(0, 10)}, ${days === 0 ? 'today' : `${days} day${days === 1 ? '' : 's'} ago`}`;
}

function originText(item: ReviewItemView): string {
  if (!item.request) return '*Not granted through Keycard*';
  return `Keycard request #${item.request.id}${item.request.jiraKey ? ` (${escapeMrkdwn(item.request.jiraKey)})` : ''}`;
}

function when(at: Date, now: Date): string {
  return at.toISOString().slice(0, 10) === now.toISOString().slice(0, 10) ? formatTimeUtc(at) : formatDateTimeUtc(at);
}

/** `Kept`, `Revoke queued, can be changed until 14:05 UTC`, `Revoked at 14:06 UTC`, `removal failing: …`. */
export function reviewStateText(state: ReviewItemState, viewer: string, now: Date): string {
  switch (state.kind) {
    case 'undecided':
      return 'Undecided';
    case 'kept':
      if (state.flagged) return ':triangular_flag_on_post: Kept and flagged: not reviewed by the due date';
      return `:white_check_mark: Kept${state.by && state.by !== viewer ? ` by <@${state.by}>` : ''}`;
    case 'revoke_queued':
      return `:hourglass_flowing_sand: Revoke queued (${escapeMrkdwn(state.reason)}), can be changed until ${when(state.until, now)}`;
    case 'removing':
      return `:hourglass_flowing_sand: Revoking (${escapeMrkdwn(state.reason)}): removing from the provider`;
    case 'failing':
      return `:warning: Revoking (${escapeMrkdwn(state.reason)}): removal failing: ${escapeMrkdwn(state.error)}`;
    case 'revoked':
      return `:lock: Revoked at ${when(state.at, now)} (${escapeMrkdwn(state.reason)})`;
  }
}

function itemBlocks(item: ReviewItemView, view: ReviewView, viewer: string): KnownBlock[] {
  const about = [item.title, item.department].filter((t): t is string => Boolean(t)).map(escapeMrkdwn).join(', ');
  const status = item.accountStatus === 'active' ? '' : ` · account *${escapeMrkdwn(item.accountStatus)}*`;
  const groups = item.groups.map((g) => `\`${escapeMrkdwn(g)}\``).join(', ');
  const recommended = item.recommendation === 'revoke' ? ':warning: Recommended: *revoke*' : 'Recommended: *keep*';
  const lines = [
    `*${escapeMrkdwn(item.name)}*${about ? ` · ${about}` : ''}${status}`,
    `*${escapeMrkdwn(`${item.appName} / ${item.roleName}`)}* · ${item.groups.length === 1 ? 'group' : 'groups'} ${groups}`,
    `${signInText(item, view.now)} · ${originText(item)}`,
    `${recommended}: ${escapeMrkdwn(item.recommendationReason)}`,
  ];
  const note = item.reviewerNote ? ` · _${escapeMrkdwn(item.reviewerNote)}_` : '';
  const blocks: KnownBlock[] = [
    { type: 'section', block_id: reviewItemAboutBlockId(item.id), text: { type: 'mrkdwn', text: clip(lines.join('\n'), 3000) } },
    context(`${reviewStateText(item.state, viewer, view.now)}${note}`, reviewItemStateBlockId(item.id)),
  ];
  if (view.status !== 'open') return blocks;
  const value = String(item.id);
  const buttons: Button[] = [];
  if (item.state.kind === 'undecided' || item.state.kind === 'revoke_queued') buttons.push(button(REVIEW_KEEP_ACTION, 'Keep', value, 'primary'));
  if (item.state.kind === 'undecided' || item.state.kind === 'kept') buttons.push(button(REVIEW_REVOKE_ACTION, 'Revoke', value, 'danger'));
  if (buttons.length > 0) blocks.push({ type: 'actions', block_id: reviewItemBlockId(item.id), elements: buttons });
  return blocks;
}

function filterOptions(view: ReviewView): PlainTextOption[] {
  return [
    { text: plain('All items'), value: 'all' },
    { text: plain('Recommended revoke first'), value: 'revoke_first' },
    ...view.apps.slice(0, 98).map((app) => ({ text: plain(clip(`Only ${app.name}`, 75)), value: `app:${app.id}` })),
  ];
}

function pagerButtons(view: ReviewView): Button[] {
  const buttons: Button[] = [];
  if (view.page > 0) buttons.push(button(REVIEW_PREVIOUS_ACTION, 'Previous', String(view.page - 1)));
  if (view.page < view.pages - 1) buttons.push(button(REVIEW_NEXT_ACTION, 'Next', String(view.page + 1)));
  return buttons;
}

function controls(view: ReviewView): ActionsBlock {
  const options = filterOptions(view);
  const keepable = view.items.filter((i) => i.state.kind === 'undecided' && i.recommendation === 'keep').length;
  const elements: ActionsBlock['elements'] = [
    { type: 'static_select', action_id: REVIEW_FILTER_ACTION, placeholder: plain('Filter'), options, initial_option: options.find((o) => o.value === view.filter) ?? options[0] },
  ];
  if (view.status === 'open' && keepable > 0) {
    elements.push({
      ...button(REVIEW_KEEP_RECOMMENDED_ACTION, 'Keep all recommended keeps', view.items.map((i) => i.id).join(',')),
      confirm: {
        title: plain('Keep the recommended keeps?'),
        text: plain(`Keep the ${keepable} undecided item${keepable === 1 ? '' : 's'} on this page that Keycard recommends keeping. Other pages are not touched.`),
        confirm: plain('Keep them'),
        deny: plain('Cancel'),
      },
    });
  }
  elements.push(...pagerButtons(view));
  return { type: 'actions', block_id: REVIEW_CONTROLS_BLOCK, elements };
}

function summary(view: ReviewView): string {
  const name = `*${escapeMrkdwn(view.name)}* (review #${view.campaignId})`;
  if (view.status === 'building') return `${name} is being built from the identity providers. Try again in a few minutes.`;
  if (view.status === 'failed') return `${name} could not be built, so it has nothing to decide; the admin who started it was told why.`;
  if (view.status !== 'open') return `${name} is ${view.status}: decisions are closed.`;
  if (view.total === 0) return `${name}: you have nothing to review in it.`;
  const left = view.undecided === 0 ? `all ${view.total} decided` : `${view.undecided} of ${view.total} left to decide`;
  return `${name}: ${left}, due ${formatDateTimeUtc(view.dueAt)}. *Revoke* removes the access after a short wait in which you can still change it.`;
}

/** The list modal; `view` null when the review does not exist. `notice` (mrkdwn) says what the last click did. */
export function buildReviewListModal(view: ReviewView | null, viewer: string, notice?: string): ModalView {
  const base = { type: 'modal' as const, callback_id: REVIEW_LIST_CALLBACK_ID, title: plain('Access review'), close: plain('Done') };
  if (!view) return { ...base, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'There is no such review.' } }] };
  const place: ReviewListPlace = { campaignId: view.campaignId, page: view.page, filter: view.filter };
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: clip(summary(view), 3000) } }];
  if (notice) blocks.push(context(notice, REVIEW_NOTICE_BLOCK));
  if (view.total > 0) {
    blocks.push(controls(view));
    const first = view.page * view.pageSize;
    const range = view.matching === 0 ? 'nothing matches this filter' : `items ${first + 1}–${first + view.items.length} of ${view.matching}`;
    blocks.push(context(`Page ${view.page + 1} of ${view.pages} · ${range} · undecided first`));
    for (const item of view.items) blocks.push(...itemBlocks(item, view, viewer));
    const pager = pagerButtons(view);
    if (pager.length > 0 && view.items.length > 3) blocks.push({ type: 'actions', block_id: REVIEW_PAGER_BLOCK, elements: pager });
  }
  return { ...base, private_metadata: JSON.stringify(place), blocks };
}

// ------------------------------------------------------------------------------------ the Revoke form

export interface RevokeFormPlace extends ReviewListPlace {
  readonly itemId: number;
  /** The list underneath, updated after the submission. */
  readonly parentViewId: string;
}

export function revokeFormPlaceOf(privateMetadata: string | undefined): RevokeFormPlace {
  const fields = fieldsOf(privateMetadata);
  const parent = fields.get('parentViewId');
  return { ...reviewListPlaceOf(privateMetadata), itemId: wholeNumber(fields.get('itemId'), -1), parentViewId: typeof parent === 'string' ? parent : '' };
}

/** Reason (one of REVOKE_REASONS) and a note, required only for Other (checked on submission). */
export function buildRevokeModal(place: RevokeFormPlace, label: string, waitText: string): ModalView {
  return {
    type: 'modal',
    callback_id: REVOKE_CALLBACK_ID,
    title: plain('Revoke access'),
    submit: plain('Revoke'),
    close: plain('Back'),
    private_metadata: JSON.stringify(place),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: clip(`Revoke *${escapeMrkdwn(label)}*? Keycard removes it ${waitText}; until then you can change it back to Keep.`, 3000) } },
      {
        type: 'input',
        block_id: REVOKE_REASON_BLOCK,
        label: plain('Why'),
        element: {
          type: 'radio_buttons',
          action_id: REVOKE_REASON_ACTION,
          options: Object.entries(REVOKE_REASONS).map(([value, text]) => ({ text: plain(text), value })),
        },
      },
      {
        type: 'input',
        block_id: REVOKE_NOTE_BLOCK,
        optional: true,
        label: plain('In a few words'),
        hint: plain('Required when the reason is Other. It goes on the record and the Jira issue as typed.'),
        element: { type: 'plain_text_input', action_id: REVOKE_NOTE_ACTION, max_length: 500 },
      },
    ],
  };
}
