/**
 * Building a campaign: its items are what the identity providers say, not what Keycard remembers. For
 * every role of every app in scope, the members of the role's groups (each group listed once, with
 * profiles, all pages), their last sign-in (one batched read per app: per app where the catalog names the
 * provider's app with `signInApp`, else overall), the Keycard grant behind the access if any, a
 * recommendation, and the reviewer (when the managers review, the managers a listing did not name are read in
 * batches: `managersOf`, never a look-up per person). A member of several groups of one role is one item.
 *
 * Nothing is written until every provider answered: the items, the campaign's move to `open` and the
 * reviewers' DMs commit together, so a failed or retried build never leaves half a campaign.
 */
import { findApp } from '../../domain/catalog.js';
import { PermanentError } from '../../domain/errors.js';
import { recommend } from '../../domain/review.js';
import type { CatalogApp, ProviderKind } from '../../domain/types.js';
import type { GroupMember } from '../../identity/types.js';
import type { JobOf } from '../../store/jobs.repo.js';
import type { CampaignRow, NewReviewItem } from '../../store/reviews.repo.js';
import { endAccessOfInactiveAccount } from '../grant/index.js';
import { providerFor, type SideEffectDeps, type WorkflowDeps } from '../shared/deps.js';
import { allEnded, READS_AT_ONCE, readDirectory, readGate, type DirectoryRead, type ReadState, type RoleMember, type SignInRead } from '../shared/directory-read.js';
import { enqueueReviewerDms } from './notify.js';
import { campaignJiraKey } from './start.js';

type Found = RoleMember;

/**
 * Reads every app's members and sign-ins (per app where the catalog names the provider's app with
 * `signInApp`, else overall); the calls made are what the campaign costs the providers. Every app is read at
 * once through shared/directory-read.ts: each group listed once however many roles name it, the items in
 * catalog order, the first failure thrown once the reads under way have ended.
 */
function readProviders(deps: SideEffectDeps, apps: readonly CatalogApp[]): Promise<DirectoryRead> {
  return readDirectory(deps, apps, (app): SignInRead => (app.signInApp ? { kind: 'app', appId: app.signInApp } : { kind: 'overall' }));
}

/**
 * Users per `managersOf` read. Each provider's members are read in slices through its gate, so a few of the
 * calls overlap (Entra's 1,000 members are 67 calls of 15 one after another otherwise); 150 is a multiple of
 * the adapters' batches (Entra 15 ids a call, Okta 50), so slicing costs no extra call.
 */
const MANAGERS_PER_READ = 150;

/** Keys a provider's user: the same id may name different people in different providers. */
function userKey(provider: ProviderKind, userId: string): string {
  return `${provider}\u0000${userId}`;
}

/**
 * The managers the listings did not name (Entra ID's listing carries none), for a campaign the managers
 * review: the provider's `managersOf` for its members without one, each member asked once however many items
 * they have, READS_AT_ONCE slices in flight per provider. Keyed by `userKey`; the first failure is thrown once
 * the reads under way have ended.
 */
async function readManagers(deps: SideEffectDeps, found: readonly Found[]): Promise<Map<string, string | null>> {
  const wanted = new Map<ProviderKind, Set<string>>();
  for (const { app, member } of found) {
    if (member.managerEmail) continue;
    (wanted.get(app.provider) ?? wanted.set(app.provider, new Set()).get(app.provider)!).add(member.id);
  }
  const state: ReadState = { failure: null };
  const managers = new Map<string, string | null>();
  const reads = [...wanted].flatMap(([provider, members]) => {
    const gate = readGate(READS_AT_ONCE, state);
    const ids = [...members];
    return Array.from({ length: Math.ceil(ids.length / MANAGERS_PER_READ) }, async (_, i) => {
      const answers = await gate(() => providerFor(deps, provider).managersOf(ids.slice(i * MANAGERS_PER_READ, (i + 1) * MANAGERS_PER_READ)));
      for (const [id, email] of answers) managers.set(userKey(provider, id), email);
    });
  });
  await allEnded(reads);
  return managers;
}

const SLACK_ID = /^[UW][A-Z0-9]{2,}$/;

/**
 * Every person the build names (members, managers, owners, approver groups) as a Slack id, looked up
 * together: one paged read of Slack's members rather than a look-up per email (a review of thousands of
 * people would otherwise spend Slack's per-method rate limit for half an hour).
 */
async function slackIds(deps: SideEffectDeps, refs: Iterable<string | null>): Promise<(ref: string | null) => string | null> {
  const emails = [...new Set([...refs].filter((r): r is string => r !== null && !SLACK_ID.test(r)).map((r) => r.toLowerCase()))];
  const found = emails.length > 0 ? await deps.directory.userIdsByEmail(emails) : new Map<string, string>();
  return (ref) => (ref === null ? null : SLACK_ID.test(ref) ? ref : (found.get(ref.toLowerCase()) ?? null));
}

export async function buildReviewJob(deps: SideEffectDeps, job: JobOf<'review.build'>): Promise<void> {
  const { store } = deps;
  const campaign = store.reviews.campaign(job.payload.campaignId);
  if (!campaign || campaign.status !== 'building') return;
  const catalog = deps.catalog();
  const apps = campaign.apps.map((id) => findApp(catalog, id));
  const missing = campaign.apps.filter((_, i) => !apps[i]);
  if (missing.length > 0) {
    failCampaign(deps, campaign, `the catalog no longer has ${missing.join(', ')}`);
    return;
  }
  let read: Awaited<ReturnType<typeof readProviders>>;
  let managers: Map<string, string | null>;
  try {
    read = await readProviders(deps, apps as CatalogApp[]);
    managers = campaign.reviewer === 'manager' ? await readManagers(deps, read.found) : new Map();
  } catch (error) {
    if (error instanceof PermanentError) failCampaign(deps, campaign, error.message);
    throw error;
  }
  const items = await toItems(deps, campaign, read, managers);
  store.tx(() => {
    const now = deps.clock.now();
    if (!store.reviews.moveCampaign(campaign.id, 'building', 'open')) return;
    store.reviews.insertItems(campaign.id, items);
    // An account suspended or deactivated outside Keycard holds no Keycard access any longer (issue 13, point 7).
    const inactive = new Map(items.filter((i) => i.accountStatus !== 'active' && i.grantId !== null).map((i) => [`${i.provider}\u0000${i.idpUserId}`, i]));
    for (const item of inactive.values()) endAccessOfInactiveAccount(deps, item.provider, item.idpUserId, `access review "${campaign.name}"`);
    const outside = items.filter((i) => i.grantId === null).length;
    store.audit.append({
      at: now,
      actor: { kind: 'system', reason: 'access review' },
      action: 'review.opened',
      data: { campaignId: campaign.id, items: items.length, outsideKeycard: outside, recommendedRevoke: items.filter((i) => i.recommendation === 'revoke').length },
    });
    enqueueReviewerDms(deps, campaign.id, now);
    store.jobs.enqueue({ kind: 'review.opened', payload: { campaignId: campaign.id }, orderKey: campaignJiraKey(campaign.id) }, now);
  });
}

function failCampaign(deps: WorkflowDeps, campaign: CampaignRow, why: string): void {
  const { store } = deps;
  store.tx(() => {
    const now = deps.clock.now();
    if (!store.reviews.moveCampaign(campaign.id, 'building', 'failed', { failure: why })) return;
    store.audit.append({ at: now, actor: { kind: 'system', reason: 'access review' }, action: 'review.failed', data: { campaignId: campaign.id, error: why } });
    store.jobs.enqueue({ kind: 'review.opened', payload: { campaignId: campaign.id }, orderKey: campaignJiraKey(campaign.id) }, now);
  });
}

async function toItems(
  deps: SideEffectDeps,
  campaign: CampaignRow,
  read: Awaited<ReturnType<typeof readProviders>>,
  managers: ReadonlyMap<string, string | null>,
): Promise<NewReviewItem[]> {
  const { store } = deps;
  const now = deps.clock.now();
  // Peers: the people of each department seen in this review, and how many of them hold each role.
  const people = new Map<string, Set<string>>();
  const holders = new Map<string, Set<string>>();
  for (const f of read.found) {
    const dept = f.member.department;
    if (!dept) continue;
    const email = f.member.email.toLowerCase();
    (people.get(dept) ?? people.set(dept, new Set()).get(dept)!).add(email);
    const key = `${dept}\u0000${f.app.id}\u0000${f.role.id}`;
    (holders.get(key) ?? holders.set(key, new Set()).get(key)!).add(email);
  }
  // Listings that carry no manager (Entra's) are completed by `readManagers`, only when managers review.
  const managerEmails = new Map(read.found.map((f) => [f, f.member.managerEmail ?? managers.get(userKey(f.app.provider, f.member.id)) ?? null]));
  const catalog = deps.catalog();
  const groupRefs = campaign.reviewer.startsWith('group:') ? (catalog.approverGroups[campaign.reviewer.slice('group:'.length)] ?? []) : [];
  const resolveNow = await slackIds(deps, [...read.found.map((f) => f.member.email), ...managerEmails.values(), ...read.found.map((f) => f.app.owner), ...groupRefs]);
  const resolve = (ref: string | null): Promise<string | null> => Promise.resolve(resolveNow(ref));
  const items: NewReviewItem[] = [];
  for (const f of read.found) {
    const { app, role, member } = f;
    const grant = store.reviews.liveGrantFor(app.provider, member.id, app.id, role.id);
    const request = grant ? store.requests.get(grant.requestId) : undefined;
    const signIn = read.signIns.get(`${app.id}\u0000${member.id}`);
    const scope = !signIn || signIn.unsupported ? 'none' : signIn.scope;
    const lastSignInAt = scope === 'none' ? null : (signIn?.at ?? null);
    const dept = member.department;
    const rec = recommend(
      {
        accountStatus: member.status,
        lastSignInAt,
        lastSignInScope: scope,
        grantedThroughKeycard: grant !== undefined,
        department: dept,
        departmentPeople: dept ? (people.get(dept)?.size ?? 0) : 0,
        departmentHolders: dept ? (holders.get(`${dept}\u0000${app.id}\u0000${role.id}`)?.size ?? 0) : 0,
      },
      now,
    );
    const slackId = grant?.userSlackId ?? (await resolve(member.email));
    const { reviewer, note } = await assignReviewer(deps, campaign, app, { ...member, managerEmail: managerEmails.get(f) ?? null }, slackId, resolve, items.length);
    items.push({
      appId: app.id,
      roleId: role.id,
      provider: app.provider,
      groups: f.groups,
      idpUserId: member.id,
      email: member.email,
      name: member.displayName || member.email,
      title: member.title,
      department: dept,
      accountStatus: member.status,
      slackId,
      lastSignInAt: lastSignInAt?.getTime() ?? null,
      lastSignInScope: scope,
      grantId: grant?.id ?? null,
      requestId: grant?.requestId ?? null,
      jiraKey: request?.jiraKey ?? null,
      recommendation: rec.recommendation,
      recommendationReason: rec.reason,
      reviewerSlackId: reviewer,
      reviewerNote: note,
    });
  }
  return items;
}

/**
 * Who reviews an item: the app owner, the member's manager, or (a group campaign) the group's members in
 * turn. Nobody reviews their own access: such an item goes to their manager, else to the admins (reviewer
 * null, with a note saying why). The admins may decide any item but their own.
 */
async function assignReviewer(
  deps: SideEffectDeps,
  campaign: CampaignRow,
  app: CatalogApp,
  member: GroupMember,
  memberSlackId: string | null,
  resolve: (ref: string | null) => Promise<string | null>,
  index: number,
): Promise<{ reviewer: string | null; note: string | null }> {
  if (campaign.reviewer.startsWith('group:')) {
    // The group shares the work: items go round the members in turn, never to the member the item is about.
    const refs = deps.catalog().approverGroups[campaign.reviewer.slice('group:'.length)] ?? [];
    const ids = [...new Set((await Promise.all(refs.map((r) => resolve(r)))).filter((id): id is string => id !== null && id !== memberSlackId))];
    if (ids.length > 0) return { reviewer: ids[index % ids.length] ?? null, note: null };
    return { reviewer: null, note: `nobody else in ${campaign.reviewer.slice('group:'.length)} can review it: goes to the admins` };
  }
  const usual = campaign.reviewer === 'owner' ? await resolve(app.owner) : await resolve(member.managerEmail);
  if (usual && usual !== memberSlackId) return { reviewer: usual, note: null };
  const why = usual ? "the reviewer's own access" : campaign.reviewer === 'owner' ? 'the app owner is not in Slack' : 'no manager on record';
  if (usual) {
    // Their own access: their manager decides, else the admins.
    const manager = await resolve(member.managerEmail);
    if (manager && manager !== memberSlackId) return { reviewer: manager, note: `${why}: goes to their manager` };
  }
  return { reviewer: null, note: `${why}: goes to the admins` };
}
