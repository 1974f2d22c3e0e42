/**
 * Offboarding a leaver, from `/access-admin offboard` or an offboarding issue in Jira: every request of the
 * person Keycard still follows becomes a step (grants revoked through the one removal path, what waits
 * cancelled), and with `suspend` each of their identity-provider accounts is suspended. The person is
 * matched by email to exactly one active account in each provider that matters, or nothing is done and
 * the admin is told why. The offboarding, its steps, their first moves and every job they need commit in one
 * transaction; the settle job reports on Jira as steps finish (src/workflows/lifecycle/offboard-steps.ts).
 */
import { accessLabel } from '../../domain/format.js';
import type { Actor, ProviderKind, RequestStatus } from '../../domain/types.js';
import type { NewOffboarding, NewStep, OffboardingRow } from '../../store/lifecycle.repo.js';
import type { RequestRow } from '../../store/requests.repo.js';
import type { SideEffectDeps } from '../shared/deps.js';
import { enqueueLabelledIssue } from '../shared/effects.js';
import { enqueueIssueComment } from './issue-comment.js';
import { advanceSteps, enqueueSettle, offboardingLabel } from './offboard-steps.js';
import { matchAccounts, type AccountMatch, type Person } from './person.js';
import { offboardJiraWords, offboardSlackWords, personWords } from './words.js';

/** Requests an offboarding follows: everything not finished (`failed` too: an admin's retry would grant it again). */
const FOLLOWED: readonly RequestStatus[] = ['submitted', 'pending_approval', 'approved', 'provisioning', 'awaiting_fulfilment', 'failed', 'active'];
const DIRECTORIES: readonly ProviderKind[] = ['okta', 'entra', 'google'];

export interface OffboardInput {
  readonly person: Person;
  readonly suspend: boolean;
  /** A Keycard admin, checked by the caller (for Jira: the reporter, matched by email). */
  readonly adminSlackId: string;
  readonly source: { readonly kind: 'slack' } | { readonly kind: 'jira'; readonly key: string };
}

export type OffboardResult =
  | { readonly kind: 'started'; readonly offboarding: OffboardingRow; readonly text: string }
  | { readonly kind: 'already'; readonly offboarding: OffboardingRow; readonly text: string }
  | { readonly kind: 'nothing'; readonly text: string }
  | { readonly kind: 'refused'; readonly why: string; readonly text: string };

function refused(why: string): OffboardResult {
  return { kind: 'refused', why, text: offboardSlackWords.refused(why) };
}

/** The person's requests Keycard still follows: by Slack id, and any grant held by one of their accounts. */
function followedRequests(deps: SideEffectDeps, person: Person, accounts: readonly AccountMatch[]): RequestRow[] {
  const { store } = deps;
  const found = new Map<number, RequestRow>();
  if (person.slackId) for (const r of store.requests.listByRequester(person.slackId, FOLLOWED)) found.set(r.id, r);
  for (const account of accounts) {
    const ids = account.kind === 'active' ? [account.id] : account.kind === 'inactive' ? account.accounts.map((a) => a.id) : [];
    for (const id of ids) {
      for (const g of store.lifecycle.liveGrantsOfAccount(account.provider, id)) {
        const request = store.requests.get(g.requestId);
        if (request && FOLLOWED.includes(request.status as RequestStatus)) found.set(request.id, request);
      }
    }
  }
  return [...found.values()].sort((a, b) => a.id - b.id);
}

function stepsFor(requests: readonly RequestRow[], accounts: readonly AccountMatch[], suspend: boolean): NewStep[] {
  const steps: NewStep[] = requests.map((r) => ({
    kind: 'access',
    requestId: r.id,
    provider: r.snapshot.provider,
    idpUserId: null,
    what: `${accessLabel(r.snapshot.appName, r.snapshot.roleName)} (request #${r.id}${r.jiraKey ? `, ${r.jiraKey}` : ''})`,
  }));
  if (suspend) {
    for (const a of accounts) {
      if (a.kind === 'active') steps.push({ kind: 'suspend', requestId: null, provider: a.provider, idpUserId: a.id, what: `suspend the ${a.provider} account ${a.id} (${a.login})` });
      if (a.kind === 'inactive') for (const x of a.accounts) steps.push({ kind: 'suspend', requestId: null, provider: a.provider, idpUserId: x.id, what: `suspend the ${a.provider} account ${x.id} (${x.login})` });
    }
  }
  return steps;
}

/**
 * Offboards one person. Reads Slack and the providers first (nothing is written if one cannot be read),
 * then commits. A second run for a person already being offboarded (or for the same Jira issue) changes
 * nothing and says so.
 */
export async function startOffboarding(deps: SideEffectDeps, input: OffboardInput): Promise<OffboardResult> {
  const { store } = deps;
  const { person } = input;
  const admin = await deps.directory.profile(input.adminSlackId);
  if (person.slackId === input.adminSlackId || (admin?.email && admin.email.toLowerCase() === person.email)) return { kind: 'refused', why: 'nobody may offboard themself', text: offboardSlackWords.self };
  const running = store.lifecycle.runningOffboardingOf(person);
  if (running) return { kind: 'already', offboarding: running, text: offboardSlackWords.already(running) };
  const held = person.slackId ? store.requests.listByRequester(person.slackId, FOLLOWED) : [];
  const configured = DIRECTORIES.filter((p) => deps.providers[p] !== undefined);
  const relevant = configured.filter((p) => input.suspend || held.some((r) => r.snapshot.provider === p));
  const matched = await matchAccounts(deps, person.email, relevant);
  if (!matched.ok) return refused(matched.why);
  const requests = followedRequests(deps, person, matched.matches);
  const planned = stepsFor(requests, matched.matches, input.suspend);
  if (planned.length === 0) {
    const who = personWords(person);
    store.audit.append({ at: deps.clock.now(), actor: { kind: 'user', slackId: input.adminSlackId }, action: 'offboarding.nothing', data: { person: person.email, suspend: input.suspend, source: input.source.kind } });
    return { kind: 'nothing', text: input.source.kind === 'jira' ? offboardJiraWords.nothing(who) : offboardSlackWords.nothing(who) };
  }
  const actor: Actor = { kind: 'user', slackId: input.adminSlackId };
  const startedBy = admin ? `${admin.name}${admin.email ? ` (${admin.email})` : ''}` : input.adminSlackId;
  return store.tx((): OffboardResult => {
    const now = deps.clock.now();
    const again = store.lifecycle.runningOffboardingOf(person);
    if (again) return { kind: 'already', offboarding: again, text: offboardSlackWords.already(again) };
    const row: NewOffboarding = {
      personSlackId: person.slackId,
      email: person.email,
      name: person.name,
      suspend: input.suspend,
      source: input.source.kind,
      sourceKey: input.source.kind === 'jira' ? input.source.key : null,
      requestedBy: input.adminSlackId,
    };
    const earlier = input.source.kind === 'jira' ? store.lifecycle.offboardingBySourceKey(input.source.key) : undefined;
    if (earlier && earlier.status !== 'refused') return { kind: 'already', offboarding: earlier, text: offboardSlackWords.already(earlier) };
    const o = earlier && store.lifecycle.restartRefused(earlier.id, row) ? (store.lifecycle.offboarding(earlier.id) ?? earlier) : store.lifecycle.insertOffboarding(row, 'running', now);
    for (const step of planned) store.lifecycle.insertStep(o.id, step, now);
    store.audit.append({ at: now, actor, action: 'offboarding.started', data: { offboardingId: o.id, person: person.email, slackId: person.slackId, suspend: input.suspend, source: input.source.kind, sourceKey: row.sourceKey, steps: planned.map((s) => s.what) } });
    if (o.source === 'slack') {
      const issue = offboardJiraWords.issue(o, store.lifecycle.steps(o.id), startedBy);
      enqueueLabelledIssue(store, offboardingLabel(o.id), issue.summary, issue.description, now);
    }
    advanceSteps(deps, o, actor);
    for (const step of store.lifecycle.steps(o.id)) {
      if (step.kind === 'suspend' && step.status !== 'done') store.jobs.enqueue({ kind: 'lifecycle.suspend', payload: { stepId: step.id } }, now);
    }
    enqueueSettle(store, o, now);
    return { kind: 'started', offboarding: o, text: offboardSlackWords.started(o, store.lifecycle.steps(o.id)) };
  });
}

/**
 * Records a Jira offboarding issue Keycard did not act on (refused, nothing to do, already under way) and
 * comments `comment` on it, once per reason: a repeated delivery comments nothing new. True when new.
 */
export function recordRefusedIssue(deps: SideEffectDeps, key: string, email: string, why: string, comment: string): boolean {
  const { store } = deps;
  return store.tx(() => {
    const now = deps.clock.now();
    const earlier = store.lifecycle.offboardingBySourceKey(key);
    if (earlier && earlier.status !== 'refused') return false;
    if (earlier?.refusal === why) return false;
    if (earlier) store.lifecycle.setRefusal(earlier.id, why);
    else store.lifecycle.insertOffboarding({ personSlackId: null, email, name: email, suspend: false, source: 'jira', sourceKey: key, requestedBy: null }, 'refused', now, why);
    enqueueIssueComment(store, key, [comment], now);
    store.audit.append({ at: now, actor: { kind: 'system', reason: 'jira offboarding issue' }, action: 'offboarding.refused', data: { jiraKey: key, person: email, why } });
    return true;
  });
}
