/**
 * What the reviewer's and the admin's Slack screens show of reviews, as plain data read fresh from the
 * store: one page of a reviewer's items (the list modal), the reviews waiting for someone (App Home), and
 * the start form's choices and checks. The Slack layer renders these and never reads the store itself.
 */
import { findApp } from '../../domain/catalog.js';
import { filterItems, pageOf, parseReviewer, REVIEW_MAX_DUE_MS, type ItemFilter, type ReviewSpec, type UnreviewedPolicy } from '../../domain/review.js';
import type { ReviewItemRow } from '../../store/reviews.repo.js';
import type { WorkflowDeps } from '../shared/deps.js';
import { itemsFor, whyNotDecide } from './decide.js';
import { enforcementState } from './enforce.js';
import { checkReviewSpec } from './start.js';
import { reasonText } from './words.js';

/** Items per page of the list: three blocks each keeps a page near 65 of Slack's 100 blocks per view. */
export const REVIEW_PAGE_SIZE = 20;

export type ReviewItemState =
  | { readonly kind: 'undecided' }
  | { readonly kind: 'kept'; readonly by: string | null; readonly flagged: boolean }
  | { readonly kind: 'revoke_queued'; readonly reason: string; readonly until: Date }
  | { readonly kind: 'removing'; readonly reason: string }
  | { readonly kind: 'failing'; readonly reason: string; readonly error: string }
  | { readonly kind: 'revoked'; readonly reason: string; readonly at: Date };

export interface ReviewItemView {
  readonly id: number;
  readonly name: string;
  readonly email: string;
  readonly title: string | null;
  readonly department: string | null;
  readonly accountStatus: string;
  readonly appName: string;
  readonly roleName: string;
  readonly groups: readonly string[];
  readonly lastSignIn: { readonly at: Date | null; readonly source: 'app' | 'overall' | 'none' };
  /** The Keycard request behind the access; null when it was not granted through Keycard. */
  readonly request: { readonly id: number; readonly jiraKey: string | null } | null;
  readonly recommendation: 'keep' | 'revoke';
  readonly recommendationReason: string;
  /** Why the item came to this reviewer rather than the usual one. */
  readonly reviewerNote: string | null;
  readonly state: ReviewItemState;
}

export interface ReviewView {
  readonly campaignId: number;
  readonly name: string;
  readonly status: string;
  readonly dueAt: Date;
  readonly now: Date;
  /** The campaign's apps, for the filter. */
  readonly apps: ReadonlyArray<{ readonly id: string; readonly name: string }>;
  readonly filter: ItemFilter;
  readonly page: number;
  readonly pages: number;
  readonly pageSize: number;
  /** This reviewer's items in the campaign (whatever the filter), and how many of them are undecided. */
  readonly total: number;
  readonly undecided: number;
  /** Items the filter lets through, and the page of them shown. */
  readonly matching: number;
  readonly items: readonly ReviewItemView[];
}

/** A filter as sent back by the list (private_metadata or the select): anything unknown is `all`. */
export function parseItemFilter(text: string | undefined, apps: readonly string[]): ItemFilter {
  if (text === 'revoke_first') return 'revoke_first';
  if (text?.startsWith('app:') && apps.includes(text.slice(4))) return `app:${text.slice(4)}`;
  return 'all';
}

function names(deps: WorkflowDeps, appId: string, roleId: string): { appName: string; roleName: string } {
  const app = findApp(deps.catalog(), appId);
  return { appName: app?.name ?? appId, roleName: app?.roles.find((r) => r.id === roleId)?.name ?? roleId };
}

function stateOf(deps: WorkflowDeps, item: ReviewItemRow): ReviewItemState {
  if (item.decision === 'keep') return { kind: 'kept', by: item.decidedBy === 'system' ? null : item.decidedBy, flagged: item.flagged };
  if (item.decision !== 'revoke') return { kind: 'undecided' };
  const reason = reasonText(item);
  const enforcement = enforcementState(deps, item);
  if (enforcement.state === 'confirmed') return { kind: 'revoked', reason, at: new Date(item.enforcedAt ?? item.decidedAt ?? 0) };
  if (enforcement.state === 'failing') return { kind: 'failing', reason, error: enforcement.error ?? 'unknown error' };
  if (enforcement.state === 'removing') return { kind: 'removing', reason };
  return { kind: 'revoke_queued', reason, until: new Date((item.decidedAt ?? 0) + deps.timing.reviewRevokeAfterMs) };
}

function itemView(deps: WorkflowDeps, item: ReviewItemRow): ReviewItemView {
  return {
    id: item.id,
    name: item.name,
    email: item.email,
    title: item.title,
    department: item.department,
    accountStatus: item.accountStatus,
    ...names(deps, item.appId, item.roleId),
    groups: item.groups,
    lastSignIn: { at: item.lastSignInAt === null ? null : new Date(item.lastSignInAt), source: item.lastSignInScope === 'app' ? 'app' : item.lastSignInScope === 'overall' ? 'overall' : 'none' },
    request: item.requestId === null ? null : { id: item.requestId, jiraKey: item.jiraKey },
    recommendation: item.recommendation === 'revoke' ? 'revoke' : 'keep',
    recommendationReason: item.recommendationReason,
    reviewerNote: item.reviewerNote,
    state: stateOf(deps, item),
  };
}

/**
 * One page of what `slackId` is asked to review in a campaign: undecided first, then as the filter says.
 * Null when there is no such campaign. The page is clamped into range.
 */
export function reviewView(deps: WorkflowDeps, campaignId: number, slackId: string, filterText: string | undefined, page: number): ReviewView | null {
  const campaign = deps.store.reviews.campaign(campaignId);
  if (!campaign) return null;
  const filter = parseItemFilter(filterText, campaign.apps);
  const mine = itemsFor(deps, campaign.id, slackId);
  const matching = filterItems(mine, filter);
  const shown = pageOf(matching, Number.isSafeInteger(page) ? page : 0, REVIEW_PAGE_SIZE);
  return {
    campaignId: campaign.id,
    name: campaign.name,
    status: campaign.status,
    dueAt: new Date(campaign.dueAt),
    now: deps.clock.now(),
    apps: campaign.apps.map((id) => ({ id, name: findApp(deps.catalog(), id)?.name ?? id })),
    filter,
    page: shown.page,
    pages: shown.pages,
    pageSize: REVIEW_PAGE_SIZE,
    total: mine.length,
    undecided: mine.filter((i) => i.decision === null).length,
    matching: matching.length,
    items: shown.items.map((item) => itemView(deps, item)),
  };
}

/** Why `slackId` may not decide this item now (the same checks `decideItems` makes); null when they may. */
export function whyNotDecideItem(deps: WorkflowDeps, slackId: string, itemId: number): string | null {
  const item = deps.store.reviews.item(itemId);
  if (!item) return 'That item is not in any review.';
  const campaign = deps.store.reviews.campaign(item.campaignId);
  if (campaign?.status !== 'open') return `review #${item.campaignId} is ${campaign?.status ?? 'gone'}: decisions are closed`;
  const why = whyNotDecide(deps, slackId, item);
  if (why) return why;
  if (item.enforcement !== null && item.enforcement !== 'pending') return `${item.name}'s ${item.appId}/${item.roleId} is already being revoked: the decision can no longer change`;
  return null;
}

/** `Priya Shah: Salesforce / Viewer`, for the Revoke form and the list's notices. */
export function reviewItemLabel(deps: WorkflowDeps, itemId: number): string | null {
  const item = deps.store.reviews.item(itemId);
  if (!item) return null;
  const { appName, roleName } = names(deps, item.appId, item.roleId);
  return `${item.name}: ${appName} / ${roleName}`;
}

export interface ReviewToDo {
  readonly campaignId: number;
  readonly name: string;
  readonly left: number;
  readonly total: number;
  readonly dueAt: Date;
}

/** Open reviews with items for `slackId`, soonest due first (App Home). */
export function reviewsToDo(deps: WorkflowDeps, slackId: string): ReviewToDo[] {
  return deps.store.reviews
    .campaigns(['open'])
    .map((c) => ({ campaign: c, counts: deps.store.reviews.countsOfReviewer(c.id, slackId, deps.admins.includes(slackId)) }))
    .filter(({ counts }) => counts.total > 0)
    .map(({ campaign, counts }) => ({ campaignId: campaign.id, name: campaign.name, left: counts.left, total: counts.total, dueAt: new Date(campaign.dueAt) }))
    .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.campaignId - b.campaignId);
}

// ------------------------------------------------------------------------------------- start form

export interface ReviewStartChoices {
  /** Apps a review can cover (manual apps have no provider to list their members). */
  readonly apps: ReadonlyArray<{ readonly id: string; readonly name: string }>;
  readonly manualApps: number;
  readonly approverGroups: readonly string[];
  /** `YYYY-MM-DD` (UTC): the first and last day the due date may be, and the one offered. */
  readonly firstDay: string;
  readonly lastDay: string;
  readonly initialDay: string;
}

const DAY_MS = 24 * 3600_000;

function isoDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** A review is due at the end of its day (23:59 UTC). */
function endOfDay(day: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return null;
  const start = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(start) || isoDay(new Date(start)) !== day ? null : start + DAY_MS - 60_000;
}

/** The last day whose end is within the longest a review may run. */
function lastDay(now: Date): string {
  let at = now.getTime() + REVIEW_MAX_DUE_MS;
  while ((endOfDay(isoDay(new Date(at))) ?? 0) - now.getTime() > REVIEW_MAX_DUE_MS) at -= DAY_MS;
  return isoDay(new Date(at));
}

export function reviewStartChoices(deps: WorkflowDeps): ReviewStartChoices {
  const catalog = deps.catalog();
  const now = deps.clock.now();
  return {
    apps: catalog.apps.filter((a) => a.provider !== 'manual').map((a) => ({ id: a.id, name: a.name })),
    manualApps: catalog.apps.filter((a) => a.provider === 'manual').length,
    approverGroups: Object.keys(catalog.approverGroups),
    firstDay: isoDay(new Date(now.getTime() + DAY_MS)),
    lastDay: lastDay(now),
    initialDay: isoDay(new Date(now.getTime() + 14 * DAY_MS)),
  };
}

export const REVIEW_START_FIELDS = ['name', 'apps', 'reviewer', 'due', 'unreviewed'] as const;
export type ReviewStartField = (typeof REVIEW_START_FIELDS)[number];

export interface ReviewStartForm {
  readonly name: string;
  readonly apps: readonly string[];
  readonly reviewer: string;
  /** The datepicker's `YYYY-MM-DD`. */
  readonly due: string;
  readonly unreviewed: string;
}

/** Checks the form against the clock and the catalog in force; every problem under its field. */
export function checkReviewStartForm(
  deps: WorkflowDeps,
  form: ReviewStartForm,
): { ok: true; spec: ReviewSpec } | { ok: false; errors: Partial<Record<ReviewStartField, string>> } {
  const errors: Partial<Record<ReviewStartField, string>> = {};
  const now = deps.clock.now();
  const name = form.name.trim();
  if (name === '') errors.name = 'Give the review a name, e.g. Q1 CRM';
  else if (name.length > 80) errors.name = `At most 80 characters (it has ${name.length})`;
  if (form.apps.length === 0) errors.apps = 'Choose at least one app';
  const reviewer = parseReviewer(form.reviewer);
  if (!reviewer) errors.reviewer = 'Choose who reviews: the app owner, the manager or an approver group';
  const due = endOfDay(form.due);
  const last = lastDay(now);
  if (due === null) errors.due = 'Pick the due date';
  else if (form.due <= isoDay(now)) errors.due = 'Pick a day after today';
  else if (due - now.getTime() > REVIEW_MAX_DUE_MS) errors.due = `At most 120 days away: ${last} or earlier`;
  const unreviewed = form.unreviewed === 'keep' || form.unreviewed === 'revoke' ? (form.unreviewed satisfies UnreviewedPolicy) : null;
  if (!unreviewed) errors.unreviewed = 'Choose what happens to items nobody decides';
  if (reviewer && due !== null) {
    const spec: ReviewSpec = { name, apps: [...new Set(form.apps)], reviewer, dueInMs: due - now.getTime(), unreviewed: unreviewed ?? 'keep' };
    for (const problem of checkReviewSpec(deps, spec)) addReviewStartProblem(errors, problem);
    if (Object.keys(errors).length === 0) return { ok: true, spec };
  }
  return { ok: false, errors };
}

/** `apps: 'x' is not in the catalog` goes under apps; several problems of one field join. */
export function addReviewStartProblem(errors: Partial<Record<ReviewStartField, string>>, problem: string): void {
  const match = /^(\w+): (.*)$/s.exec(problem);
  const field = REVIEW_START_FIELDS.find((f) => f === match?.[1]);
  const text = field ? (match?.[2] ?? problem) : problem;
  // A problem that names no field of the form goes under the first one, so it is seen.
  const under = field ?? 'name';
  errors[under] = errors[under] ? `${errors[under]}; ${text}` : text;
}
