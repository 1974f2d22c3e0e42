/**
 * App Home: what one person sees on Keycard's Home tab (their access, their pending requests, what waits
 * for their approval, and for admins a short status), read from the repositories one page per section;
 * and the refresh that follows every audited change concerning them.
 */
import { formatDuration } from '../../domain/duration.js';
import type { AuditEvent } from '../../store/audit.repo.js';
import type { JobOf } from '../../store/jobs.repo.js';
import type { RequestRow } from '../../store/requests.repo.js';
import type { Store } from '../../store/store.js';
import type { SideEffectDeps, WorkflowDeps } from '../shared/deps.js';
import { reviewsToDo } from '../review/index.js';
import { stageCount, stageWords } from '../shared/wording.js';
import { HOME_PAGE_SIZE, type HomeApproval, type HomeData, type HomeGrant, type HomeOffsets, type HomePage, type HomeRequest } from '../shared/home-data.js';

export * from '../shared/home-data.js';

/** A valid start for a page: a number within the list (a stale offset past the end shows the last page). */
function pageStart(offset: number | undefined, total: number, size: number): number {
  if (offset === undefined || !Number.isSafeInteger(offset) || offset <= 0 || total === 0) return 0;
  if (offset < total) return offset;
  return Math.floor((total - 1) / size) * size;
}

function page<T>(total: number, offset: number | undefined, load: (limit: number, offset: number) => readonly T[]): HomePage<T> {
  const start = pageStart(offset, total, HOME_PAGE_SIZE);
  return { items: total === 0 ? [] : load(HOME_PAGE_SIZE, start), offset: start, total, pageSize: HOME_PAGE_SIZE };
}

function homeRequest(store: Store, request: RequestRow): HomeRequest {
  const step = store.requests.stepFor(request.id, request.currentStage);
  return {
    requestId: request.id,
    appName: request.snapshot.appName,
    roleName: request.snapshot.roleName,
    extension: request.kind === 'extension',
    jiraKey: request.jiraKey,
    stage:
      step && step.status === 'pending'
        ? { number: step.stageIndex + 1, count: stageCount(request), who: stageWords(request, step.stage), approvers: step.approvers }
        : null,
  };
}

function durationText(request: RequestRow): string | null {
  if (request.durationMs === null) return null;
  return request.kind === 'extension' ? `${formatDuration(request.durationMs)} more` : formatDuration(request.durationMs);
}

function exampleCommand(deps: WorkflowDeps): string | null {
  const app = deps.catalog().apps[0];
  return app ? `/request ${app.id}` : null;
}

/** Reads one person's Home; `offsets` says which page of each section to show (first pages by default). */
export function gatherHome(deps: WorkflowDeps, userId: string, offsets: Partial<HomeOffsets> = {}): HomeData {
  const { store } = deps;
  const pending = ['pending_approval'] as const;
  const grants = page(store.grants.countActiveFor(userId), offsets.grants, (limit, start) =>
    store.grants.activePageFor(userId, limit, start).map((grant): HomeGrant => {
      const request = store.requests.get(grant.requestId);
      return {
        grantId: grant.id,
        appName: request?.snapshot.appName ?? grant.appId,
        roleName: request?.snapshot.roleName ?? grant.roleId,
        endsAt: grant.endsAt === null ? null : new Date(grant.endsAt),
      };
    }),
  );
  const requests = page(store.requests.countByRequester(userId, pending), offsets.requests, (limit, start) =>
    store.requests.pageByRequester(userId, pending, limit, start).map((request) => homeRequest(store, request)),
  );
  const approvals = page(store.requests.countOpenStepsForApprover(userId), offsets.approvals, (limit, start) =>
    store.requests.openStepsForApprover(userId, limit, start).map(
      ({ step, request }): HomeApproval => ({
        stepId: step.id,
        requestId: request.id,
        requesterSlackId: request.requesterSlackId,
        appName: request.snapshot.appName,
        roleName: request.snapshot.roleName,
        durationText: durationText(request),
        stageNumber: step.stageIndex + 1,
        stageCount: stageCount(request),
        justification: request.justification,
      }),
    ),
  );
  const admin = deps.admins.includes(userId)
    ? {
        pendingRequests: store.requests.countByStatus(pending),
        activeElevatedGrants: store.grants.countActiveTimeBound(),
        deadJobs: store.jobs.countByStatus().dead,
      }
    : null;
  return {
    userId,
    now: deps.clock.now(),
    offsets: { grants: grants.offset, requests: requests.offset, approvals: approvals.offset },
    grants,
    requests,
    approvals,
    admin,
    reviews: reviewsToDo(deps, userId),
    example: exampleCommand(deps),
  };
}

// ------------------------------------------------------------------------------------------ refresh

function homeKey(userId: string): string {
  return `home:${userId}`;
}

function stringsIn(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * Who an audited change concerns: the request's requester, the approvers of its current step and of the
 * step the event names (so a decided or cancelled step leaves their "Waiting for my approval"), approvers
 * the event lists, the holder of the grant it names, and for a review decision the person who decided and
 * the item's reviewer (their "Access reviews" counts), and a review's reviewers when it opens or closes.
 */
export function homeAudience(store: Store, event: AuditEvent): Set<string> {
  const users = new Set<string>();
  const data = event.data;
  const request = event.requestId !== null ? store.requests.get(event.requestId) : undefined;
  if (request) {
    users.add(request.requesterSlackId);
    for (const id of store.requests.stepFor(request.id, request.currentStage)?.approvers ?? []) users.add(id);
  }
  if (typeof data['stepId'] === 'number') {
    for (const id of store.requests.getStep(data['stepId'])?.approvers ?? []) users.add(id);
  }
  for (const id of stringsIn(data['approvers'])) users.add(id);
  if (typeof data['grantId'] === 'number') {
    const holder = store.grants.get(data['grantId'])?.userSlackId;
    if (holder) users.add(holder);
  }
  if (event.action === 'review.decided') {
    if (event.actor.startsWith('user:')) users.add(event.actor.slice('user:'.length));
    const reviewer = typeof data['itemId'] === 'number' ? store.reviews.item(data['itemId'])?.reviewerSlackId : undefined;
    if (reviewer) users.add(reviewer);
  }
  if ((event.action === 'review.opened' || event.action === 'review.closed') && typeof data['campaignId'] === 'number') {
    // The review appears in (or leaves) its reviewers' Homes.
    for (const item of store.reviews.items(data['campaignId'])) if (item.reviewerSlackId) users.add(item.reviewerSlackId);
  }
  return users;
}

/**
 * Queues a re-render of the Home of everyone the event concerns who has opened it. Runs inside the
 * transaction of the audited change (AuditRepo.onAppend); one waiting refresh per person is enough,
 * because the job reads the store when it runs.
 *
 * `viewers` is in memory: people who opened their Home since this process started. After a restart it
 * fills again as people open the Home (which re-renders it anyway); until then their Home may be stale.
 * Keeping it durable would need a table (a migration) for little gain.
 */
export function refreshHomes(store: Store, viewers: ReadonlySet<string>, event: AuditEvent): void {
  if (viewers.size === 0 || event.action.endsWith('.refused')) return; // a refused click changed nothing
  const now = new Date(event.at);
  for (const userId of homeAudience(store, event)) {
    if (!viewers.has(userId) || store.jobs.hasPending('slack.home', homeKey(userId))) continue;
    store.jobs.enqueue({ kind: 'slack.home', payload: { userId }, orderKey: homeKey(userId) }, now);
  }
}

/** The `slack.home` job: renders the person's Home as it is now (first pages) and publishes it. */
export async function homeJob(deps: SideEffectDeps, job: JobOf<'slack.home'>): Promise<void> {
  const { userId } = job.payload;
  await deps.notifier.publishHome(userId, gatherHome(deps, userId));
}
