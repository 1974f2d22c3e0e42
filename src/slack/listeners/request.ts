/**
 * `/request`: the command, the modal's app and role pickers, the app search, and the submission.
 * Listeners parse, call a workflow and answer; every rule lives in the domain.
 */
import type { App, BlockAction } from '@slack/bolt';
import type { ListenerRouter } from '../router.js';
import { findApp, findRole } from '../../domain/catalog.js';
import { formatDuration } from '../../domain/duration.js';
import type { KnownBlock } from '@slack/types';
import { accessLabel, escapeMrkdwn, formatDayTimeUtc } from '../../domain/format.js';
import { GRANT_EXTEND_ACTION } from '../blocks/action-ids.js';
import { buildNoticeModal } from '../blocks/notice-modal.js';
import { buildExtendModal } from '../blocks/extend-modal.js';
import { offerExtension } from '../../workflows/grant/index.js';
import {
  JUSTIFICATION_MAX,
  clipJustification,
  parseRequestCommand,
  validateRequestDraft,
  type RequestDraft,
  type RequestErrors,
  type ValidRequest,
} from '../../domain/request-input.js';
import { describeApprovalChain } from '../../domain/routing.js';
import type { SideEffectDeps, WorkflowDeps } from '../../workflows/shared/deps.js';
import { describeStatus } from '../../domain/request-state.js';
import type { Catalog, RequestStatus } from '../../domain/types.js';
import { alreadyPendingText, buildAlreadyPendingBlocks, buildAlreadyPendingModal, type PendingRequest } from '../blocks/request-receipt.js';
import { submitRequest, type SubmitResult } from '../../workflows/request/index.js';
import {
  APP_ACTION,
  APP_BLOCK,
  DURATION_ACTION,
  DURATION_BLOCK_PREFIX,
  JUSTIFICATION_ACTION,
  JUSTIFICATION_BLOCK,
  REQUEST_CALLBACK_ID,
  ROLE_ACTION,
  ROLE_BLOCK_PREFIX,
  buildRequestModal,
  buildSubmittedModal,
  modalErrors,
  searchAppOptions,
} from '../blocks/request-modal.js';
import { requestHelpText } from '../help.js';
import { formNotOpened, openViewJson } from '../open-view.js';

type StateValues = Record<string, Record<string, { selected_option?: { value?: string } | null; value?: string | null }>>;

/** Reads the modal's current choices from Slack's `view.state.values` (never from private_metadata). */
function draftFromState(values: StateValues): RequestDraft {
  const pick = (prefix: string, action: string): string | undefined => {
    for (const [blockId, actions] of Object.entries(values)) {
      if (blockId !== prefix && !blockId.startsWith(`${prefix}:`)) continue;
      const element = actions[action];
      const value = element?.selected_option?.value ?? element?.value ?? undefined;
      if (value) return value;
    }
    return undefined;
  };
  return {
    appId: pick(APP_BLOCK, APP_ACTION),
    roleId: pick(ROLE_BLOCK_PREFIX, ROLE_ACTION),
    duration: pick(DURATION_BLOCK_PREFIX, DURATION_ACTION),
    justification: pick(JUSTIFICATION_BLOCK, JUSTIFICATION_ACTION),
  };
}

function confirmation(requestId: number, value: ValidRequest): string {
  const what = accessLabel(value.app.name, value.role.name);
  const duration = value.durationMs !== null ? ` for ${formatDuration(value.durationMs)}` : '';
  return `:white_check_mark: Request *#${requestId}* for *${what}*${duration} is in. ${describeApprovalChain(value.role, value.app)}. You'll get a DM with the Jira issue and every decision.`;
}

/** The answer to a one-line /request for access the user already has. */
function duplicateOffer(grantId: number, value: ValidRequest, endsAt: number | null): { text: string; blocks: KnownBlock[] } {
  const what = accessLabel(value.app.name, value.role.name);
  const text = endsAt
    ? `You already have *${what}* until ${formatDayTimeUtc(new Date(endsAt))}. Extend it instead of asking again?`
    : `You already have *${what}* (standing access), so there is nothing to request.`;
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text } }];
  if (endsAt) {
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', action_id: GRANT_EXTEND_ACTION, style: 'primary', text: { type: 'plain_text', text: 'Extend' }, value: String(grantId) }],
    });
  }
  return { text, blocks };
}

/** What the requester sees of a request for the same access that is still on its way. */
function pendingOf(deps: RequestListenerDeps, request: Extract<SubmitResult, { kind: 'already_pending' }>['request']): PendingRequest {
  return {
    requestId: request.id,
    appName: request.snapshot.appName,
    roleName: request.snapshot.roleName,
    statusText: describeStatus(request.status as RequestStatus),
    jiraKey: request.jiraKey,
    jiraUrl: request.jiraKey ? deps.ticketing.issueUrl(request.jiraKey) : null,
    // Cancel works while the request waits for approval, as on the receipt.
    cancellable: request.status === 'pending_approval',
  };
}

function missingNotice(errors: Record<string, string | undefined>): string | undefined {
  const messages = Object.values(errors).filter((m): m is string => Boolean(m));
  return messages.length > 0 ? `Almost there: ${messages.join('. ')}.` : undefined;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * A one-line /request prefills the form. A justification longer than the form's field would make Slack
 * refuse the form (and the user would see nothing), so the form gets it cut to the limit with a notice,
 * and the whole text comes back in the ephemeral answer so nothing typed is lost.
 */
function prefillSelection(draft: RequestDraft, errors: RequestErrors): { selection: RequestDraft & { notice?: string }; fullText?: string } {
  const clip = draft.justification === undefined ? undefined : clipJustification(draft.justification);
  if (!clip?.clipped) return { selection: { ...draft, notice: missingNotice(errors) } };
  const { justification: _tooLong, ...others } = errors;
  const notices = [
    missingNotice(others),
    `Your justification was ${count(clip.length)} characters and the limit is ${count(JUSTIFICATION_MAX)}: the form holds the first ${count(JUSTIFICATION_MAX)}. Shorten it before you submit; the full text is in Keycard's message in the conversation.`,
  ].filter((n): n is string => n !== undefined);
  const fullText =
    `:memo: Your justification was ${count(clip.length)} characters; the request form takes at most ${count(JUSTIFICATION_MAX)}, so it opens with the first ${count(JUSTIFICATION_MAX)}. ` +
    `Here is all of it, so nothing is lost:\n>>> ${escapeMrkdwn(draft.justification ?? '')}`;
  return { selection: { ...draft, justification: clip.text, notice: notices.join(' ') }, fullText };
}

/** The workflow deps and the Jira link builder (the answer to a duplicate request links the first one). */
export type RequestListenerDeps = WorkflowDeps & Pick<SideEffectDeps, 'ticketing'>;

export function registerRequestListeners(router: ListenerRouter, deps: RequestListenerDeps): void {
  // The empty form depends on the catalog alone: build and serialise it once per catalog in force (a
  // reload puts a new catalog object in force, so its entry is built afresh and the old one is collected).
  const openingViews = new WeakMap<Catalog, string>();
  function openingView(catalog: Catalog): string {
    const cached = openingViews.get(catalog);
    if (cached !== undefined) return cached;
    const view = JSON.stringify(buildRequestModal(catalog, {}));
    openingViews.set(catalog, view);
    return view;
  }

  router.command('/request', async ({ command, ack, client, context, logger, respond }) => {
    const parsed = parseRequestCommand(command.text ?? '', deps.catalog());
    switch (parsed.kind) {
      case 'help':
        await ack({ response_type: 'ephemeral', text: requestHelpText(deps.catalog()) });
        return;
      case 'unknown_app': {
        const hint = parsed.suggestions.length > 0 ? ` Did you mean: ${parsed.suggestions.join(', ')}?` : ' Type `/request` to browse the catalog.';
        await ack({ response_type: 'ephemeral', text: `No app '${parsed.input}'.${hint}` });
        return;
      }
      case 'complete': {
        const result = submitRequest(deps, { requesterSlackId: command.user_id, ...parsed.value });
        if (result.kind === 'already_granted') {
          await ack({ response_type: 'ephemeral', ...duplicateOffer(result.grant.id, parsed.value, result.grant.endsAt) });
          return;
        }
        if (result.kind === 'already_pending') {
          const pending = pendingOf(deps, result.request);
          await ack({ response_type: 'ephemeral', text: alreadyPendingText(pending), blocks: buildAlreadyPendingBlocks(pending) });
          return;
        }
        await ack({ response_type: 'ephemeral', text: confirmation(result.request.id, parsed.value) });
        return;
      }
      case 'open':
      case 'prefill': {
        const prefill = parsed.kind === 'prefill' ? prefillSelection(parsed.draft, parsed.errors) : { selection: {} };
        // Ack first: the trigger id lives three seconds and views.open must use it.
        await (prefill.fullText === undefined ? ack() : ack({ response_type: 'ephemeral', text: prefill.fullText }));
        const view = parsed.kind === 'open' ? openingView(deps.catalog()) : JSON.stringify(buildRequestModal(deps.catalog(), prefill.selection));
        // The JSON text goes to Slack as it is: through the WebClient it would be URL-encoded on every call
        // and the echoed view copied for a debug line (see open-view.ts).
        try {
          await openViewJson({ client, logger, teamId: context.teamId }, command.trigger_id, view);
        } catch (error) {
          // Without this the person would see nothing at all; the error still goes on to app.error's log.
          await respond({ response_type: 'ephemeral', text: formNotOpened(error) }).catch(() => undefined);
          throw error;
        }
        return;
      }
    }
  });

  // Choosing an app or a role redraws the modal with what follows from it.
  const redraw = async ({ ack, body, client }: { ack: () => Promise<void>; body: BlockAction; client: App['client'] }): Promise<void> => {
    await ack();
    const view = body.view;
    if (!view) return;
    const draft = draftFromState((view.state?.values ?? {}) as StateValues);
    await client.views.update({ view_id: view.id, hash: view.hash, view: buildRequestModal(deps.catalog(), draft) });
  };
  router.action<BlockAction>(APP_ACTION, redraw);
  router.action<BlockAction>(ROLE_ACTION, redraw);
  // A duration choice needs no redraw, but Slack expects every action to be acknowledged.
  router.action<BlockAction>(DURATION_ACTION, async ({ ack }) => ack());

  router.options(APP_ACTION, async ({ ack, payload }) => {
    await ack({ option_groups: searchAppOptions(deps.catalog(), payload.value ?? '') });
  });

  router.view(REQUEST_CALLBACK_ID, async ({ ack, body, view }) => {
    const draft = draftFromState(view.state.values as StateValues);
    const result = validateRequestDraft(deps.catalog(), draft);
    if (!result.ok) {
      const app = draft.appId ? findApp(deps.catalog(), draft.appId) : undefined;
      const role = app && draft.roleId ? findRole(app, draft.roleId) : undefined;
      const present = new Set(view.blocks.map((b) => b.block_id).filter((id): id is string => Boolean(id)));
      await ack({ response_action: 'errors', errors: modalErrors(result.errors, app?.id, role?.id, present) });
      return;
    }
    const submitted = submitRequest(deps, { requesterSlackId: body.user.id, ...result.value });
    const what = accessLabel(result.value.app.name, result.value.role.name);
    if (submitted.kind === 'already_granted') {
      // Same app and role while the access is live: offer more time on it instead of a second grant.
      const existing = submitted.grant;
      const notice = `You already have ${what}${existing.endsAt ? '' : ' with no end date'}. Extend it instead of asking again.`;
      const extend = existing.endsAt ? offerExtension(deps, existing.id, body.user.id, false) : { kind: 'refused' as const, message: notice };
      await ack({ response_action: 'update', view: extend.kind === 'offer' ? buildExtendModal({ ...extend.offer, notice }) : buildNoticeModal(extend.message) });
      return;
    }
    if (submitted.kind === 'already_pending') {
      await ack({ response_action: 'update', view: buildAlreadyPendingModal(pendingOf(deps, submitted.request)) });
      return;
    }
    await ack({ response_action: 'update', view: buildSubmittedModal(submitted.request.id, what, describeApprovalChain(result.value.role, result.value.app)) });
  });
}
