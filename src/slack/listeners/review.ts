/**
 * Access reviews in Slack: **Open review** (DM and App Home) opens the reviewer's list; Keep, Revoke (with
 * its reason form), Keep all recommended keeps, the filter and Previous / Next redraw it in place; and the
 * admins' start form. The views carry only what to show: every decision is checked again by the
 * workflow, and a refusal is shown in the list rather than dropped.
 */
import type { ListenerRouter } from '../router.js';
import type { BlockAction, ButtonAction, StaticSelectAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { formatDuration } from '../../domain/duration.js';
import { isRevokeReason } from '../../domain/review.js';
import { admitAdminCommand } from '../../workflows/admin/index.js';
import {
  addReviewStartProblem,
  checkReviewStartForm,
  decideItems,
  keepRecommended,
  reviewItemLabel,
  reviewStartChoices,
  reviewView,
  startReview,
  REVIEW_START_FIELDS,
  whyNotDecideItem,
  type DecideOutcome,
  type ReviewStartField,
} from '../../workflows/review/index.js';
import type { WorkflowDeps } from '../../workflows/shared/deps.js';
import { buildNoticeModal } from '../blocks/notice-modal.js';
import {
  REVIEW_FILTER_ACTION,
  REVIEW_KEEP_ACTION,
  REVIEW_KEEP_RECOMMENDED_ACTION,
  REVIEW_NEXT_ACTION,
  REVIEW_OPEN_ACTION,
  REVIEW_PREVIOUS_ACTION,
  REVIEW_REVOKE_ACTION,
  REVOKE_CALLBACK_ID,
  REVOKE_NOTE_ACTION,
  REVOKE_NOTE_BLOCK,
  REVOKE_REASON_ACTION,
  REVOKE_REASON_BLOCK,
  buildReviewListModal,
  buildRevokeModal,
  reviewListPlaceOf,
  revokeFormPlaceOf,
  type ReviewListPlace,
} from '../blocks/review.js';
import { REVIEW_START_ACTIONS, REVIEW_START_BLOCKS, REVIEW_START_CALLBACK_ID, reviewStartAppOptions } from '../blocks/review-start.js';
import { idFromValue } from './ids.js';

type ListView = { readonly id: string; readonly hash: string; readonly private_metadata: string };

/** A click's outcome in a sentence or two for the list's notice line. */
function outcomeNotice(outcome: DecideOutcome, done: string, nothing: string): string {
  const lines: string[] = [];
  if (outcome.decided.length > 0) lines.push(`:white_check_mark: ${done}`);
  if (outcome.refused.length > 0) lines.push(`:no_entry: Not decided: ${outcome.refused.join('; ')}.`);
  return lines.length > 0 ? lines.join('\n') : nothing;
}

function isHashConflict(error: unknown): boolean {
  return (error as { data?: { error?: string } }).data?.error === 'hash_conflict';
}

/**
 * Redraws the list from the store. The hash keeps an older render from overwriting a newer one; when
 * another click redrew it first, this render (made after both decisions) goes in without it.
 */
async function redraw(deps: WorkflowDeps, client: WebClient, userId: string, target: { id: string; hash?: string }, place: ReviewListPlace, notice?: string): Promise<void> {
  const view = () => buildReviewListModal(reviewView(deps, place.campaignId, userId, place.filter, place.page), userId, notice);
  try {
    await client.views.update({ view_id: target.id, ...(target.hash ? { hash: target.hash } : {}), view: view() });
  } catch (error) {
    if (!target.hash || !isHashConflict(error)) throw error;
    await client.views.update({ view_id: target.id, view: view() });
  }
}

function listOf(body: BlockAction): ListView | null {
  const view = body.view;
  return view ? { id: view.id, hash: view.hash, private_metadata: view.private_metadata } : null;
}

function registerListListeners(router: ListenerRouter, deps: WorkflowDeps): void {
  router.action<BlockAction<ButtonAction>>(REVIEW_OPEN_ACTION, async ({ ack, body, action, client }) => {
    await ack();
    const view = reviewView(deps, idFromValue(action.value), body.user.id, 'all', 0);
    await client.views.open({ trigger_id: body.trigger_id, view: buildReviewListModal(view, body.user.id) });
  });

  router.action<BlockAction<ButtonAction>>(REVIEW_KEEP_ACTION, async ({ ack, body, action, client }) => {
    await ack();
    const list = listOf(body);
    if (!list) return;
    const itemId = idFromValue(action.value);
    const outcome = decideItems(deps, body.user.id, [itemId], { decision: 'keep' });
    const notice = outcomeNotice(outcome, `Kept ${reviewItemLabel(deps, itemId) ?? 'the item'}.`, ':no_entry: That item is not in any review.');
    await redraw(deps, client, body.user.id, list, reviewListPlaceOf(list.private_metadata), notice);
  });

  router.action<BlockAction<ButtonAction>>(REVIEW_KEEP_RECOMMENDED_ACTION, async ({ ack, body, action, client }) => {
    await ack();
    const list = listOf(body);
    if (!list) return;
    // The ids of the page in view; keepRecommended keeps only the undecided recommended keeps among them.
    const ids = (action.value ?? '').split(',').slice(0, 100).map(idFromValue).filter((id) => id > 0);
    const outcome = keepRecommended(deps, body.user.id, ids);
    const count = outcome.decided.length;
    const notice = outcomeNotice(outcome, `Kept ${count} recommended keep${count === 1 ? '' : 's'} on this page.`, 'Nothing on this page was left to keep.');
    await redraw(deps, client, body.user.id, list, reviewListPlaceOf(list.private_metadata), notice);
  });

  router.action<BlockAction<ButtonAction>>(REVIEW_REVOKE_ACTION, async ({ ack, body, action, client }) => {
    await ack();
    const list = listOf(body);
    if (!list) return;
    const itemId = idFromValue(action.value);
    const place = reviewListPlaceOf(list.private_metadata);
    const refused = whyNotDecideItem(deps, body.user.id, itemId);
    if (refused) {
      await redraw(deps, client, body.user.id, list, place, `:no_entry: Not decided: ${refused}.`);
      return;
    }
    const form = buildRevokeModal({ ...place, itemId, parentViewId: list.id }, reviewItemLabel(deps, itemId) ?? 'this access', `after ${formatDuration(deps.timing.reviewRevokeAfterMs)}`);
    await client.views.push({ trigger_id: body.trigger_id, view: form });
  });

  router.view(REVOKE_CALLBACK_ID, async ({ ack, body, view, client }) => {
    const values = view.state.values;
    const reason = values[REVOKE_REASON_BLOCK]?.[REVOKE_REASON_ACTION]?.selected_option?.value ?? '';
    const note = (values[REVOKE_NOTE_BLOCK]?.[REVOKE_NOTE_ACTION]?.value ?? '').trim();
    if (!isRevokeReason(reason)) {
      await ack({ response_action: 'errors', errors: { [REVOKE_REASON_BLOCK]: 'Choose why the access goes' } });
      return;
    }
    if (reason === 'other' && note === '') {
      await ack({ response_action: 'errors', errors: { [REVOKE_NOTE_BLOCK]: 'Required when the reason is Other: say why in a few words' } });
      return;
    }
    const place = revokeFormPlaceOf(view.private_metadata);
    const outcome = decideItems(deps, body.user.id, [place.itemId], { decision: 'revoke', reason, note: note || null });
    await ack();
    const label = reviewItemLabel(deps, place.itemId) ?? 'the item';
    const notice = outcomeNotice(outcome, `Revoke of ${label} queued: it can be changed back to Keep for ${formatDuration(deps.timing.reviewRevokeAfterMs)}.`, ':no_entry: That item is not in any review.');
    // The list underneath, as Slack names it (the form's own copy only when Slack does not say).
    const parent = view.previous_view_id ?? place.parentViewId;
    if (parent) await redraw(deps, client, body.user.id, { id: parent }, place, notice);
  });

  router.action<BlockAction<StaticSelectAction>>(REVIEW_FILTER_ACTION, async ({ ack, body, action, client }) => {
    await ack();
    const list = listOf(body);
    if (!list) return;
    const place = reviewListPlaceOf(list.private_metadata);
    await redraw(deps, client, body.user.id, list, { ...place, filter: action.selected_option.value, page: 0 });
  });

  const page = async ({ ack, body, action, client }: { ack: () => Promise<void>; body: BlockAction; action: ButtonAction; client: WebClient }): Promise<void> => {
    await ack();
    const list = listOf(body);
    if (!list) return;
    const target = Number.parseInt(action.value ?? '', 10);
    await redraw(deps, client, body.user.id, list, { ...reviewListPlaceOf(list.private_metadata), page: Number.isSafeInteger(target) && target >= 0 ? target : 0 });
  };
  router.action<BlockAction<ButtonAction>>(REVIEW_PREVIOUS_ACTION, page);
  router.action<BlockAction<ButtonAction>>(REVIEW_NEXT_ACTION, page);
}

function registerStartListeners(router: ListenerRouter, deps: WorkflowDeps): void {
  router.options(REVIEW_START_ACTIONS.apps, async ({ ack, payload }) => {
    await ack({ options: reviewStartAppOptions(reviewStartChoices(deps), payload.value ?? '') });
  });

  router.view(REVIEW_START_CALLBACK_ID, async ({ ack, body, view, client }) => {
    // The form opens for admins only, but a submission is its own request: checked (and audited) again.
    if (!admitAdminCommand(deps, body.user.id, 'review start (form)')) {
      await ack({ response_action: 'update', view: buildNoticeModal(':no_entry: Only Keycard admins (KEYCARD_ADMINS) can start an access review.', 'Access review') });
      return;
    }
    const values = view.state.values;
    const field = (f: ReviewStartField) => values[REVIEW_START_BLOCKS[f]]?.[REVIEW_START_ACTIONS[f]];
    const form = {
      name: field('name')?.value ?? '',
      apps: (field('apps')?.selected_options ?? []).map((o) => o.value ?? '').filter(Boolean),
      reviewer: field('reviewer')?.selected_option?.value ?? '',
      due: field('due')?.selected_date ?? '',
      unreviewed: field('unreviewed')?.selected_option?.value ?? '',
    };
    const checked = checkReviewStartForm(deps, form);
    let errors: Partial<Record<ReviewStartField, string>> = checked.ok ? {} : checked.errors;
    if (checked.ok) {
      const started = startReview(deps, body.user.id, checked.spec);
      if (started.kind === 'started') {
        await ack();
        await client.chat.postMessage({ channel: body.user.id, text: started.text });
        return;
      }
      errors = {};
      for (const problem of started.problems) addReviewStartProblem(errors, problem);
    }
    const answer = Object.fromEntries(REVIEW_START_FIELDS.flatMap((f) => (errors[f] ? [[REVIEW_START_BLOCKS[f], errors[f].slice(0, 2000)]] : [])));
    await ack({ response_action: 'errors', errors: answer });
  });
}

export function registerReviewListeners(router: ListenerRouter, deps: WorkflowDeps): void {
  registerListListeners(router, deps);
  registerStartListeners(router, deps);
}
