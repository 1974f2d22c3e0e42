/**
 * Onboarding a joiner, from `/access-admin onboard` or an onboarding issue in Jira: the person's profile is
 * read from the identity provider (matched by email to exactly one active account), the bundles whose
 * `when` it matches (or the one bundle the admin named) are filed on their behalf (src/workflows/lifecycle/bundles.ts),
 * and the profile is kept as the one to compare later profiles with (a move).
 */
import { bundleMatches, describeWhen, findBundle, matchingBundles, type BundleProfile } from '../../domain/bundles.js';
import { IdentityMatchError } from '../../domain/errors.js';
import type { Actor, CatalogBundle } from '../../domain/types.js';
import type { IdentityUser } from '../../identity/types.js';
import { providerFor, type SideEffectDeps } from '../shared/deps.js';
import { fileBundles, type FiledRole } from './bundles.js';
import { enqueueIssueComment } from './issue-comment.js';
import type { Person } from './person.js';
import { filedLine, onboardWords, personWords } from './words.js';

export interface OnboardInput {
  readonly person: Person;
  /** One bundle by id; null: every bundle the profile matches. */
  readonly bundleId: string | null;
  /** A Keycard admin, checked by the caller (for Jira: the reporter, matched by email). */
  readonly adminSlackId: string;
  readonly source: { readonly kind: 'slack' } | { readonly kind: 'jira'; readonly key: string };
}

export type OnboardResult =
  | { readonly kind: 'filed'; readonly filed: readonly FiledRole[]; readonly lines: readonly string[] }
  | { readonly kind: 'already'; readonly text: string }
  | { readonly kind: 'refused'; readonly why: string };

/** `department Data, title Data Engineer, manager marco@acme.com`. */
export function profileWords(p: BundleProfile): string {
  return `department ${p.department ?? 'none'}, title ${p.title ?? 'none'}, manager ${p.managerEmail ?? 'none'}`;
}

/** The person's profile in the profile provider; a refusal with why when there is not exactly one active account. */
export async function readProfile(deps: SideEffectDeps, email: string): Promise<{ ok: true; provider: string; user: IdentityUser } | { ok: false; why: string }> {
  const kind = deps.profileProvider;
  if (!kind) return { ok: false, why: 'no identity provider is configured to read profiles from' };
  try {
    const user = await providerFor(deps, kind).findUserByEmail(email);
    return user ? { ok: true, provider: kind, user } : { ok: false, why: `no ${kind} account has the email ${email}` };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { ok: false, why: error instanceof IdentityMatchError ? why : `${kind} could not be read (${why}); try again` };
  }
}

function chooseBundles(deps: SideEffectDeps, input: OnboardInput, profile: BundleProfile): { ok: true; bundles: CatalogBundle[]; mismatch: string | null } | { ok: false; why: string } {
  const catalog = deps.catalog();
  const all = catalog.bundles ?? [];
  const listed = all.map((b) => `${b.id} (${describeWhen(b)})`).join('; ') || 'none';
  if (input.bundleId) {
    const bundle = findBundle(catalog, input.bundleId);
    if (!bundle) return { ok: false, why: `the catalog has no bundle '${input.bundleId}'; bundles: ${listed}` };
    const mismatch = bundleMatches(bundle, profile) ? null : `their profile (${profileWords(profile)}) does not match ${bundle.id}'s ${describeWhen(bundle)}; filed because it was named`;
    return { ok: true, bundles: [bundle], mismatch };
  }
  const bundles = matchingBundles(catalog, profile);
  if (bundles.length === 0) return { ok: false, why: onboardWords.noMatch(profileWords(profile), listed) };
  return { ok: true, bundles, mismatch: null };
}

/** Onboards one person; for a Jira issue, once (a repeated delivery files nothing more). */
export async function onboardPerson(deps: SideEffectDeps, input: OnboardInput): Promise<OnboardResult> {
  const { store } = deps;
  const { person } = input;
  if (!person.slackId) return { kind: 'refused', why: `${person.email} has no Slack account: Keycard files requests for people in Slack` };
  const slackId = person.slackId;
  const read = await readProfile(deps, person.email);
  if (!read.ok) return { kind: 'refused', why: read.why };
  const profile: BundleProfile = { department: read.user.department, title: read.user.title, managerEmail: read.user.managerEmail };
  const chosen = chooseBundles(deps, input, profile);
  if (!chosen.ok) return { kind: 'refused', why: chosen.why };
  const actor: Actor = { kind: 'user', slackId: input.adminSlackId };
  const how = input.source.kind === 'jira' ? `onboarding from Jira ${input.source.key}` : 'onboarding';
  return store.tx((): OnboardResult => {
    const now = deps.clock.now();
    const sourceKey = input.source.kind === 'jira' ? input.source.key : null;
    const earlier = sourceKey ? store.lifecycle.onboardingBySourceKey(sourceKey) : undefined;
    if (earlier && earlier.status === 'filed') return { kind: 'already', text: onboardWords.already(earlier.id) };
    const bundleIds = chosen.bundles.map((b) => b.id);
    const fields = { personSlackId: slackId, email: person.email, bundles: bundleIds, requestedBy: input.adminSlackId, status: 'filed', refusal: null };
    if (earlier) store.lifecycle.updateOnboarding(earlier.id, fields);
    else store.lifecycle.insertOnboarding({ ...fields, source: input.source.kind, sourceKey }, now);
    const filed = fileBundles(deps, slackId, chosen.bundles, actor, how);
    store.lifecycle.saveProfile({ slackId, email: person.email, provider: read.provider, idpUserId: read.user.id, department: profile.department, title: profile.title, managerEmail: profile.managerEmail, seenAt: now.getTime() });
    store.audit.append({ at: now, actor, action: 'onboarding.filed', data: { person: person.email, slackId, bundles: bundleIds, source: input.source.kind, sourceKey, filed: filed.map((f) => ({ what: f.what, outcome: f.outcome, requestId: f.requestId })) } });
    const lines = onboardWords.filed(personWords(person), bundleIds, filed.map(filedLine), input.bundleId !== null, chosen.mismatch);
    if (sourceKey) enqueueIssueComment(store, sourceKey, lines, now);
    return { kind: 'filed', filed, lines };
  });
}

/** Records a Jira onboarding issue Keycard would not act on, once per reason; true when the reason is new. */
export function recordRefusedOnboarding(deps: SideEffectDeps, key: string, email: string, why: string): boolean {
  const { store } = deps;
  return store.tx(() => {
    const now = deps.clock.now();
    const earlier = store.lifecycle.onboardingBySourceKey(key);
    if (earlier && (earlier.status === 'filed' || earlier.refusal === why)) return false;
    if (earlier) store.lifecycle.updateOnboarding(earlier.id, { refusal: why });
    else store.lifecycle.insertOnboarding({ personSlackId: null, email, bundles: [], source: 'jira', sourceKey: key, requestedBy: null, status: 'refused', refusal: why }, now);
    enqueueIssueComment(store, key, [onboardWords.refused(why)], now);
    store.audit.append({ at: now, actor: { kind: 'system', reason: 'jira onboarding issue' }, action: 'onboarding.refused', data: { jiraKey: key, person: email, why } });
    return true;
  });
}
