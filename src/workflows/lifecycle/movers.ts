/**
 * Movers. A scheduled profile sync (KEYCARD_SCHEDULE_PROFILES) reads the profile of everyone Keycard knows
 * (a profile on record, or active access) from the identity provider, one job per person, and compares it
 * with the last one seen. A new department or manager is a move: the access the person holds through a
 * bundle that no longer matches goes to the new manager as a small review (Keep / Revoke, the access review
 * machinery), and bundles that match now and did not before are offered to the person and the manager in a
 * DM whose button files them. A person whose account turned out suspended or deactivated has their Keycard
 * access ended (`endAccessOfInactiveAccount`).
 */
import { bundleMatches, bundleRoles, describeWhen, findBundle, matchingBundles, type BundleProfile } from '../../domain/bundles.js';
import { IdentityMatchError } from '../../domain/errors.js';
import { accessLabel } from '../../domain/format.js';
import type { CatalogBundle } from '../../domain/types.js';
import type { JobOf } from '../../store/jobs.repo.js';
import type { PersonProfileRow } from '../../store/lifecycle.repo.js';
import { endAccessOfInactiveAccount } from '../grant/index.js';
import { openMoverReview } from '../review/index.js';
import { providerFor, type SideEffectDeps, type WorkflowDeps } from '../shared/deps.js';
import { fileBundles } from './bundles.js';
import { filedLine, moverWords } from './words.js';

const SYNC_KEY = 'profile-sync';

/** The schedule's call: queues one profile sync unless one is already waiting. */
export function enqueueProfileSync(deps: WorkflowDeps): void {
  const { store } = deps;
  store.tx(() => {
    if (store.jobs.hasPending('lifecycle.profile_sync', SYNC_KEY)) return;
    store.jobs.enqueue({ kind: 'lifecycle.profile_sync', payload: {}, orderKey: SYNC_KEY }, deps.clock.now());
  });
}

/** Queues one profile check per person; a person whose check is still waiting is not queued twice. */
export async function profileSyncJob(deps: SideEffectDeps, _job: JobOf<'lifecycle.profile_sync'>): Promise<void> {
  const { store } = deps;
  if (!deps.profileProvider) return;
  store.tx(() => {
    const now = deps.clock.now();
    for (const person of store.lifecycle.peopleToSync()) {
      const orderKey = `profile:${person.slackId}`;
      if (store.jobs.hasPending('lifecycle.profile_check', orderKey)) continue;
      store.jobs.enqueue({ kind: 'lifecycle.profile_check', payload: { slackId: person.slackId, email: person.email }, orderKey }, now);
    }
  });
}

function same(a: string | null, b: string | null): boolean {
  return (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase();
}

function asProfile(row: Pick<PersonProfileRow, 'department' | 'title' | 'managerEmail'>): BundleProfile {
  return { department: row.department, title: row.title, managerEmail: row.managerEmail };
}

/** `department Data → Sales; manager marco@acme.com → owen@acme.com`. */
function changeWords(before: PersonProfileRow, after: BundleProfile): string {
  const parts: string[] = [];
  if (!same(before.department, after.department)) parts.push(`department ${before.department ?? 'none'} → ${after.department ?? 'none'}`);
  if (!same(before.managerEmail, after.managerEmail)) parts.push(`manager ${before.managerEmail ?? 'none'} → ${after.managerEmail ?? 'none'}`);
  return parts.join('; ');
}

/** Bundles worth offering: matching now, not before, with at least one role the person neither holds nor asked for. */
function newBundles(deps: WorkflowDeps, slackId: string, before: BundleProfile, after: BundleProfile): CatalogBundle[] {
  const { store } = deps;
  const catalog = deps.catalog();
  return matchingBundles(catalog, after)
    .filter((b) => !bundleMatches(b, before))
    .filter((b) =>
      bundleRoles(catalog, b).some(({ app, role }) => !store.grants.activeOf(slackId, app.id, role.id) && !store.requests.firstAccessRequest(slackId, app.id, role.id, ['submitted', 'pending_approval', 'approved', 'provisioning', 'awaiting_fulfilment'])),
    );
}

/** One person's profile read again: a baseline the first time, a move when the department or manager changed. */
export async function profileCheckJob(deps: SideEffectDeps, job: JobOf<'lifecycle.profile_check'>): Promise<void> {
  const { store } = deps;
  const { slackId, email } = job.payload;
  const kind = deps.profileProvider;
  if (!kind) return;
  let user;
  try {
    user = await providerFor(deps, kind).findUserByEmail(email);
  } catch (error) {
    if (error instanceof IdentityMatchError && error.code === 'inactive') {
      for (const account of error.accounts) endAccessOfInactiveAccount(deps, kind, account.id, 'the profile sync');
      return;
    }
    if (error instanceof IdentityMatchError) {
      deps.logger.warn({ slackId, err: error.message }, 'profile sync: the email matches several accounts; skipped');
      return;
    }
    throw error;
  }
  if (!user) return;
  const after: BundleProfile = { department: user.department, title: user.title, managerEmail: user.managerEmail };
  const before = store.lifecycle.profile(slackId);
  const row: PersonProfileRow = { slackId, email, provider: kind, idpUserId: user.id, department: after.department, title: after.title, managerEmail: after.managerEmail, seenAt: deps.clock.now().getTime() };
  if (!before || (same(before.department, after.department) && same(before.managerEmail, after.managerEmail))) {
    store.lifecycle.saveProfile(row);
    return;
  }
  const manager = after.managerEmail ? await deps.directory.userIdByEmail(after.managerEmail) : null;
  const name = (await deps.directory.profile(slackId))?.name || user.displayName || email;
  const change = changeWords(before, after);
  const catalog = deps.catalog();
  store.tx(() => {
    const now = deps.clock.now();
    const matching = matchingBundles(catalog, after);
    const stillGiven = new Set(matching.flatMap((b) => b.roles.map((r) => `${r.app}/${r.role}`)));
    const lost = store.lifecycle.bundleGrantsOf(slackId).filter((g) => !matching.some((b) => b.id === g.bundleId) && !stillGiven.has(`${g.appId}/${g.roleId}`));
    const offers = newBundles(deps, slackId, asProfile(before), after);
    const move = store.lifecycle.insertMove({ slackId, fromDepartment: before.department, toDepartment: after.department, fromManager: before.managerEmail, toManager: after.managerEmail }, now);
    store.lifecycle.saveProfile(row);
    const campaign = lost.length === 0 ? null : openMoverReview(deps, {
      name: moverWords.reviewName(name, same(before.department, after.department) ? `new manager ${after.managerEmail ?? 'none'}` : `${before.department ?? 'no department'} → ${after.department ?? 'no department'}`),
      person: { slackId, email, name, title: after.title, department: after.department },
      reviewerSlackId: manager,
      reviewerNote: manager ? null : `no new manager in Slack (${after.managerEmail ?? 'none on record'}): goes to the admins`,
      items: lost.map((g) => ({ grantId: g.grantId, reason: moverWords.itemReason(g.bundleId, change) })),
      createdBy: deps.admins[0] ?? manager ?? slackId,
    });
    if (campaign) store.lifecycle.setMoveCampaign(move.id, campaign.id);
    for (const bundle of offers) {
      const offer = store.lifecycle.insertOffer({ moveId: move.id, personSlackId: slackId, bundleId: bundle.id, offeredTo: manager && manager !== slackId ? [manager] : [] }, now);
      for (const to of [slackId, ...offer.offeredTo]) store.jobs.enqueue({ kind: 'lifecycle.bundle_offer', payload: { offerId: offer.id, to }, orderKey: `dm:${to}` }, now);
    }
    store.audit.append({
      at: now,
      actor: { kind: 'system', reason: 'profile sync' },
      action: 'lifecycle.moved',
      data: { slackId, email, change, moveId: move.id, review: campaign?.id ?? null, toReview: lost.map((g) => `${g.appId}/${g.roleId} (bundle ${g.bundleId})`), offered: offers.map((b) => b.id) },
    });
  });
}

/** The offer's DM, rendered when sent: nothing once the offer is no longer open. */
export async function bundleOfferJob(deps: SideEffectDeps, job: JobOf<'lifecycle.bundle_offer'>): Promise<void> {
  const offer = deps.store.lifecycle.offer(job.payload.offerId);
  const catalog = deps.catalog();
  const bundle = offer ? findBundle(catalog, offer.bundleId) : undefined;
  if (!offer || offer.status !== 'open' || !bundle) return;
  const roles = bundleRoles(catalog, bundle).map(({ app, role, birthright }) => `${accessLabel(app.name, role.name)}${birthright ? '' : ' (needs approval)'}`);
  const text = moverWords.offer(offer.personSlackId, job.payload.to === offer.personSlackId, bundle.id, bundle.name, describeWhen(bundle), roles);
  await deps.notifier.sendBundleOffer(job.payload.to, { offerId: offer.id, text });
}

export type OfferResult = { readonly kind: 'filed'; readonly text: string } | { readonly kind: 'refused'; readonly message: string };

/**
 * The offer's button: checked against the stored offer (the person, the manager it was offered to, or an
 * admin; still open; the bundle still in the catalog and still matching the person's last seen profile),
 * then filed once, on the person's behalf.
 */
export function fileBundleOffer(deps: WorkflowDeps, clickerSlackId: string, offerId: number): OfferResult {
  const { store } = deps;
  return store.tx((): OfferResult => {
    const now = deps.clock.now();
    const offer = store.lifecycle.offer(offerId);
    if (!offer) return { kind: 'refused', message: 'This offer no longer exists.' };
    const actor = { kind: 'user', slackId: clickerSlackId } as const;
    if (clickerSlackId !== offer.personSlackId && !offer.offeredTo.includes(clickerSlackId) && !deps.admins.includes(clickerSlackId)) {
      store.audit.append({ at: now, actor, action: 'lifecycle.offer_refused', data: { offerId, reason: 'not_offered_to_clicker' } });
      return { kind: 'refused', message: `:no_entry: This offer is for <@${offer.personSlackId}>${offer.offeredTo.length > 0 ? ` and ${offer.offeredTo.map((m) => `<@${m}>`).join(', ')}` : ''}. Your click was logged.` };
    }
    if (offer.status !== 'open') return { kind: 'refused', message: moverWords.offerTaken(offer.bundleId, offer.filedBy, offer.filedAt === null ? null : new Date(offer.filedAt)) };
    const bundle = findBundle(deps.catalog(), offer.bundleId);
    if (!bundle) return { kind: 'refused', message: `The catalog no longer has the bundle ${offer.bundleId}: nothing was filed.` };
    const profile = store.lifecycle.profile(offer.personSlackId);
    if (!profile || !bundleMatches(bundle, asProfile(profile))) {
      return { kind: 'refused', message: `<@${offer.personSlackId}>'s profile no longer matches the bundle ${bundle.id} (${describeWhen(bundle)}): nothing was filed.` };
    }
    if (!store.lifecycle.fileOffer(offer.id, clickerSlackId, now)) return { kind: 'refused', message: moverWords.offerTaken(offer.bundleId, null, null) };
    const filed = fileBundles(deps, offer.personSlackId, [bundle], actor, 'offered after a move');
    store.audit.append({ at: now, actor, action: 'lifecycle.offer_filed', data: { offerId, bundle: bundle.id, person: offer.personSlackId, filed: filed.map((f) => ({ what: f.what, outcome: f.outcome, requestId: f.requestId })) } });
    return { kind: 'filed', text: moverWords.offerFiled(bundle.id, clickerSlackId, filed.map(filedLine)) };
  });
}
