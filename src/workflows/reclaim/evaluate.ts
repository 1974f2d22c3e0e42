/**
 * Judging one app against its reclaim policy: what the provider says (the members of each role's groups,
 * read once each, and the app's sign-ins in one batched read), the Keycard grant behind each access, the
 * exclusions (the catalog's and the admins'), the cases already open and the last Keep it of each access.
 * The scan acts on the result; the preview only shows it. Nothing is written here.
 */
import { findRole } from '../../domain/catalog.js';
import { excludedBy, judge, telemetryOf, type NotFlaggedReason, type ResolvedExclusions, type Telemetry, type Verdict } from '../../domain/reclaim.js';
import type { CatalogApp, CatalogRole, ReclaimPolicy } from '../../domain/types.js';
import type { GroupMember } from '../../identity/types.js';
import type { LiveGrantRow, ReclaimCaseRow } from '../../store/reclaim.repo.js';
import type { SideEffectDeps } from '../shared/deps.js';
import { readDirectory, type RoleMember, type SignInRead } from '../shared/directory-read.js';

const SLACK_ID = /^[UW][A-Z0-9]{2,}$/;

/** Where one access lands: warned now, already warned or being removed, or why it is left alone. */
export type Bucket = 'warn' | 'warned' | 'removing' | 'being_removed' | 'not_in_slack' | NotFlaggedReason;

export type LiveGrant = LiveGrantRow;

export interface Judged {
  readonly role: CatalogRole;
  readonly member: GroupMember;
  /** The role's groups the member is in. */
  readonly groups: readonly string[];
  readonly grant: LiveGrant | null;
  readonly telemetry: Telemetry;
  readonly verdict: Verdict;
  /** The person's Slack id, when known (always for `warn`). */
  readonly slackId: string | null;
  readonly openCase: ReclaimCaseRow | null;
  readonly bucket: Bucket;
}

export interface AppEvaluation {
  readonly app: CatalogApp;
  readonly policy: ReclaimPolicy;
  readonly signIns: SignInRead;
  /** The role a downgrade moves people to (its holders are not judged); null for a removal. */
  readonly lowerRole: CatalogRole | null;
  readonly judged: readonly Judged[];
}

/** Which sign-ins the policy can judge by: the app's own where the catalog names it, else overall when allowed, else none (no call). */
export function signInReadOf(app: CatalogApp, policy: ReclaimPolicy): SignInRead {
  if (app.signInApp) return { kind: 'app', appId: app.signInApp };
  return policy.useOverallSignIn ? { kind: 'overall' } : { kind: 'none' };
}

/** The lower role of a downgrade, when the catalog still has it. */
export function lowerRoleOf(app: CatalogApp, policy: ReclaimPolicy): CatalogRole | null {
  return policy.action.kind === 'downgrade' ? (findRole(app, policy.action.roleId) ?? null) : null;
}

/**
 * Every person an exclusion names, as lower-case emails and Slack ids: a Slack id is looked up to its email
 * (a profile each, cached by the Slack adapter; exclusions are few), so a member listed by email matches.
 */
export async function resolveExclusions(deps: SideEffectDeps, app: CatalogApp, policy: ReclaimPolicy): Promise<ResolvedExclusions> {
  const keysOf = async (refs: ReadonlyArray<string | null>): Promise<Set<string>> => {
    const keys = new Set<string>();
    for (const ref of refs) {
      if (!ref) continue;
      keys.add(ref.toLowerCase());
      if (SLACK_ID.test(ref)) {
        const email = (await deps.directory.profile(ref))?.email;
        if (email) keys.add(email.toLowerCase());
      }
    }
    return keys;
  };
  const people: Array<{ keys: ReadonlySet<string>; label: string }> = [];
  for (const rule of policy.exclude) if (rule.kind === 'user') people.push({ keys: await keysOf([rule.ref]), label: `user:${rule.ref}` });
  for (const row of deps.store.reclaim.exclusions(app.id)) {
    people.push({ keys: await keysOf([row.slackId, row.email]), label: `${row.email ?? `<@${row.slackId ?? ''}>`} (excluded by <@${row.createdBy}>)` });
  }
  const groups: Array<{ name: string; keys: ReadonlySet<string> }> = [];
  for (const rule of policy.exclude) {
    if (rule.kind === 'group') groups.push({ name: rule.name, keys: await keysOf(deps.catalog().approverGroups[rule.name] ?? []) });
  }
  return { people, groups };
}

/**
 * Which role each membership is: roles may share groups (Viewer [view, shared], Editor [edit, shared]), so a
 * member of `shared` is not a Viewer because of it when a Keycard grant of another role, or all the groups
 * of another role, explain it. An entry keeps only the groups nothing else explains; none left, no entry.
 */
function attribute(found: readonly RoleMember[], grants: ReadonlyMap<string, LiveGrant>): RoleMember[] {
  const explains = new Map<string, Array<{ roleId: string; groups: readonly string[] }>>();
  const add = (userId: string, roleId: string, groups: readonly string[]) => (explains.get(userId) ?? explains.set(userId, []).get(userId)!).push({ roleId, groups });
  for (const g of grants.values()) if (g.idpUserId && g.status !== 'ending') add(g.idpUserId, g.roleId, g.groups);
  for (const f of found) if (f.groups.length === f.role.groups.length) add(f.member.id, f.role.id, f.groups);
  return found.flatMap((f) => {
    if (grants.has(`${f.role.id}\u0000${f.member.id}`) || f.groups.length === f.role.groups.length) return [f];
    const others = (explains.get(f.member.id) ?? []).filter((e) => e.roleId !== f.role.id);
    const groups = f.groups.filter((g) => !others.some((e) => e.groups.includes(g)));
    return groups.length > 0 ? [{ ...f, groups }] : [];
  });
}

/** Reads and judges one app; `now` is the clock the verdicts are for. */
export async function evaluateApp(deps: SideEffectDeps, app: CatalogApp, policy: ReclaimPolicy, now: Date): Promise<AppEvaluation> {
  const { store } = deps;
  const lowerRole = lowerRoleOf(app, policy);
  const signIns = signInReadOf(app, policy);
  // Every role is read (a downgrade's lower role too): roles may share groups, and who holds which decides below.
  const read = await readDirectory(deps, [app], () => signIns);
  const exclusions = await resolveExclusions(deps, app, policy);
  const grants = store.reclaim.liveGrantsOfApp(app.id, app.provider);
  const kept = store.reclaim.lastKeptOfApp(app.id);
  const open = new Map(store.reclaim.openCasesOf(app.id).map((c) => [`${c.roleId}\u0000${c.idpUserId}`, c]));
  // A downgrade's lower role is where people go, not what is taken back.
  const entries = attribute(read.found, grants).filter((found) => found.role.id !== lowerRole?.id);
  const first = entries.map((found) => {
    const key = `${found.role.id}\u0000${found.member.id}`;
    const grant = grants.get(key) ?? null;
    const telemetry = signIns.kind === 'none' ? ({ kind: 'none', why: 'the app names no signInApp and the catalog does not allow overall sign-ins' } as const) : telemetryOf(read.signIns.get(`${app.id}\u0000${found.member.id}`), policy);
    const keptAt = kept.get(key);
    const live = grant && grant.status !== 'ending' ? { startedAt: new Date(grant.startsAt), endsAt: grant.endsAt === null ? null : new Date(grant.endsAt) } : null;
    const verdict = judge(
      {
        accountStatus: found.member.status,
        keycardGrant: live,
        excluded: excludedBy({ email: found.member.email, slackId: grant?.userSlackId ?? null }, exclusions),
        telemetry,
        keptAt: keptAt === undefined ? null : new Date(keptAt),
      },
      policy,
      now,
    );
    return { found, grant, telemetry, verdict, openCase: open.get(key) ?? null };
  });
  // Slack ids only for those to warn who came without a Keycard grant: one paged read, not one per member.
  const unknown = first.filter((j) => j.verdict.flagged && !j.openCase && !j.grant).map((j) => j.found.member.email.toLowerCase());
  const slackIds = unknown.length > 0 ? await deps.directory.userIdsByEmail([...new Set(unknown)]) : new Map<string, string>();
  const judged = first.map(({ found, grant, telemetry, verdict, openCase }): Judged => {
    const slackId = grant?.userSlackId ?? slackIds.get(found.member.email.toLowerCase()) ?? openCase?.slackId ?? null;
    let bucket: Bucket;
    if (openCase) bucket = openCase.status === 'warned' ? 'warned' : 'removing';
    else if (grant?.status === 'ending') bucket = 'being_removed';
    else if (!verdict.flagged) bucket = verdict.reason;
    else bucket = slackId ? 'warn' : 'not_in_slack';
    return { role: found.role, member: found.member, groups: found.groups, grant, telemetry, verdict, slackId, openCase, bucket };
  });
  return { app, policy, signIns, lowerRole, judged };
}
