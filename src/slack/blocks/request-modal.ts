/**
 * The "Request access" modal: pure functions from catalog and selection to Block Kit JSON.
 * Block and action ids are exported so listeners and tests use the same names.
 */
import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { findApp, findRole, isTimeBound } from '../../domain/catalog.js';
import { formatDurationSpec } from '../../domain/duration.js';
import { JUSTIFICATION_MAX, type RequestErrors, type RequestField } from '../../domain/request-input.js';
import { describeApprovalChain } from '../../domain/routing.js';
import type { Catalog, CatalogApp, CatalogRole } from '../../domain/types.js';

export const REQUEST_CALLBACK_ID = 'request_access';
export const APP_BLOCK = 'request_app';
export const APP_ACTION = 'app_select';
/** Role and duration blocks carry the app (and role) in their id so Slack clears them when the choice above changes. */
export const ROLE_BLOCK_PREFIX = 'request_role';
export const ROLE_ACTION = 'role_select';
export const DURATION_BLOCK_PREFIX = 'request_duration';
export const DURATION_ACTION = 'duration_select';
export const JUSTIFICATION_BLOCK = 'request_justification';
export const JUSTIFICATION_ACTION = 'justification_input';

/** Above this many apps the picker searches (`external_select`) instead of listing (Slack lists at most 100). */
export const STATIC_APP_LIMIT = 100;
const OPTION_TEXT_MAX = 75;

export interface ModalSelection {
  readonly appId?: string;
  readonly roleId?: string;
  readonly duration?: string;
  readonly justification?: string;
  /** Shown at the top, e.g. what a one-line /request was missing. */
  readonly notice?: string;
}

export function roleBlockId(appId: string): string {
  return `${ROLE_BLOCK_PREFIX}:${appId}`;
}

export function durationBlockId(appId: string, roleId: string): string {
  return `${DURATION_BLOCK_PREFIX}:${appId}:${roleId}`;
}

/** Which block shows the error for a field, given what the modal currently holds. */
function blockIdForField(field: RequestField, appId: string | undefined, roleId: string | undefined): string {
  if (field === 'app' || !appId) return APP_BLOCK;
  if (field === 'role' || !roleId) return roleBlockId(appId);
  if (field === 'duration') return durationBlockId(appId, roleId);
  return JUSTIFICATION_BLOCK;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function plain(text: string): { type: 'plain_text'; text: string; emoji: true } {
  return { type: 'plain_text', text, emoji: true };
}

function appOption(app: CatalogApp): PlainTextOption {
  return { text: plain(clip(app.name, OPTION_TEXT_MAX)), value: app.id, description: plain(clip(app.description || app.id, OPTION_TEXT_MAX)) };
}

function roleOption(role: CatalogRole): PlainTextOption {
  return { text: plain(clip(role.name, OPTION_TEXT_MAX)), value: role.id, description: plain(clip(role.description || role.id, OPTION_TEXT_MAX)) };
}

/** Apps grouped by category for the picker, alphabetical within each group, "Other" last. */
function appOptionGroups(apps: readonly CatalogApp[]): Array<{ label: ReturnType<typeof plain>; options: PlainTextOption[] }> {
  const groups = new Map<string, CatalogApp[]>();
  for (const app of apps) {
    const key = app.category ?? 'Other';
    groups.set(key, [...(groups.get(key) ?? []), app]);
  }
  const names = [...groups.keys()].sort((a, b) => (a === 'Other' ? 1 : b === 'Other' ? -1 : a.localeCompare(b)));
  return names.map((name) => ({
    label: plain(clip(name, OPTION_TEXT_MAX)),
    options: [...(groups.get(name) ?? [])].sort((a, b) => a.name.localeCompare(b.name)).map(appOption),
  }));
}

/** Apps matching a search typed into the external select, best first, at most 100 (Slack's limit). */
export function searchAppOptions(catalog: Catalog, query: string): ReturnType<typeof appOptionGroups> {
  const q = query.trim().toLowerCase();
  const matches = catalog.apps.filter(
    (a) => q === '' || a.id.includes(q) || a.name.toLowerCase().includes(q) || (a.category ?? '').toLowerCase().includes(q),
  );
  return appOptionGroups(matches.slice(0, STATIC_APP_LIMIT));
}

function appPicker(catalog: Catalog, app: CatalogApp | undefined): KnownBlock {
  const initial = app ? { initial_option: appOption(app) } : {};
  const element =
    catalog.apps.length > STATIC_APP_LIMIT
      ? { type: 'external_select' as const, action_id: APP_ACTION, placeholder: plain('Search apps'), min_query_length: 0, ...initial }
      : { type: 'static_select' as const, action_id: APP_ACTION, placeholder: plain('Choose an app'), option_groups: appOptionGroups(catalog.apps), ...initial };
  return { type: 'input', block_id: APP_BLOCK, dispatch_action: true, label: plain('App'), element };
}

function roleBlocks(app: CatalogApp, role: CatalogRole | undefined): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  if (app.description) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `*${app.name}*: ${app.description}` }] });
  }
  blocks.push({
    type: 'input',
    block_id: roleBlockId(app.id),
    dispatch_action: true,
    label: plain('Role'),
    element: {
      type: 'static_select',
      action_id: ROLE_ACTION,
      placeholder: plain('Choose a role'),
      options: app.roles.slice(0, 100).map(roleOption),
      ...(role ? { initial_option: roleOption(role) } : {}),
    },
  });
  const lines = app.roles.map((r) => {
    const timing = isTimeBound(r) ? ` _(time-bound: ${(r.durationsMs ?? []).map(formatDurationSpec).join(', ')})_` : '';
    return `• *${r.name}*: ${r.description}${timing}`;
  });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(lines.join('\n'), 3000) }] });
  return blocks;
}

function durationBlock(app: CatalogApp, role: CatalogRole, duration: string | undefined): KnownBlock {
  const options: PlainTextOption[] = (role.durationsMs ?? []).map((ms) => ({ text: plain(formatDurationSpec(ms)), value: formatDurationSpec(ms) }));
  const initial = options.find((o) => o.value === duration);
  return {
    type: 'input',
    block_id: durationBlockId(app.id, role.id),
    label: plain('For how long'),
    hint: plain(`Access ends on its own after this time (at most ${formatDurationSpec(role.maxDurationMs ?? 0)} in all).`),
    element: { type: 'static_select', action_id: DURATION_ACTION, placeholder: plain('Choose a duration'), options, ...(initial ? { initial_option: initial } : {}) },
  };
}

function justificationBlock(role: CatalogRole | undefined, justification: string | undefined): KnownBlock {
  const auto = role?.approval.kind === 'auto';
  return {
    type: 'input',
    block_id: JUSTIFICATION_BLOCK,
    optional: auto,
    label: plain(auto ? 'Why (optional)' : 'Why do you need it?'),
    hint: plain(auto ? 'This role is approved automatically; a note still goes on the record.' : 'Your approvers see this. At least 10 characters.'),
    element: {
      type: 'plain_text_input',
      action_id: JUSTIFICATION_ACTION,
      multiline: true,
      max_length: JUSTIFICATION_MAX,
      ...(justification ? { initial_value: justification } : {}),
    },
  };
}

/** The whole modal for the current selection. */
export function buildRequestModal(catalog: Catalog, selection: ModalSelection): ModalView {
  const app = selection.appId ? findApp(catalog, selection.appId) : undefined;
  const role = app && selection.roleId ? findRole(app, selection.roleId) : undefined;
  const blocks: KnownBlock[] = [];
  if (selection.notice) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(`:warning: ${selection.notice}`, 3000) } });
  blocks.push(appPicker(catalog, app));
  if (app) blocks.push(...roleBlocks(app, role));
  if (app && role && isTimeBound(role)) blocks.push(durationBlock(app, role, selection.duration));
  blocks.push(justificationBlock(role, selection.justification));
  if (app && role) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `:busts_in_silhouette: ${describeApprovalChain(role, app)}` }] });
  }
  return {
    type: 'modal',
    callback_id: REQUEST_CALLBACK_ID,
    title: plain('Request access'),
    submit: plain('Submit request'),
    close: plain('Cancel'),
    private_metadata: JSON.stringify({ v: 1 }),
    blocks,
  };
}

/** What the modal turns into after a successful submission. */
export function buildSubmittedModal(requestId: number, what: string, chain: string): ModalView {
  return {
    type: 'modal',
    callback_id: 'request_submitted',
    title: plain('Request sent'),
    close: plain('Done'),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `:white_check_mark: Request *#${requestId}* for *${what}* is in.` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `${chain}. You'll get a DM with the Jira issue and every decision.` }] },
    ],
  };
}

/**
 * Maps validation errors to the blocks the modal shows them on. Slack refuses errors for blocks the view
 * does not have (say, a duration before the modal was redrawn), so those go on the nearest block above.
 */
export function modalErrors(
  errors: RequestErrors,
  appId: string | undefined,
  roleId: string | undefined,
  present: ReadonlySet<string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(errors) as Array<[RequestField, string]>) {
    const candidates = [blockIdForField(field, appId, roleId), blockIdForField('role', appId, roleId), APP_BLOCK];
    const blockId = candidates.find((id) => present.has(id)) ?? APP_BLOCK;
    out[blockId] = out[blockId] ? `${out[blockId]}. ${message}` : message;
  }
  return out;
}
