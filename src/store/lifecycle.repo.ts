/**
 * Joiners, movers and leavers (src/workflows/lifecycle/): offboardings and their steps, onboardings, the
 * requests filed through a bundle, the last profile seen of each person, the moves noticed and the bundles
 * offered after them.
 */
import { and, asc, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db } from './db.js';
import { bundleOffers, bundleRequests, grants, offboardings, offboardingSteps, onboardings, personProfiles, profileMoves, requests } from './schema.js';

export type OffboardingRow = typeof offboardings.$inferSelect;
export type OffboardingStepRow = typeof offboardingSteps.$inferSelect;
export type OnboardingRow = typeof onboardings.$inferSelect;
export type PersonProfileRow = typeof personProfiles.$inferSelect;
export type ProfileMoveRow = typeof profileMoves.$inferSelect;
export type BundleOfferRow = typeof bundleOffers.$inferSelect;
export type OffboardingStatus = 'running' | 'done' | 'refused';
export type StepStatus = 'pending' | 'failing' | 'done';

export type NewOffboarding = Pick<OffboardingRow, 'personSlackId' | 'email' | 'name' | 'suspend' | 'source' | 'sourceKey' | 'requestedBy'>;
export type NewStep = Pick<OffboardingStepRow, 'kind' | 'requestId' | 'provider' | 'idpUserId' | 'what'>;

export class LifecycleRepo {
  constructor(private readonly db: Db) {}

  // ----- offboardings

  insertOffboarding(input: NewOffboarding, status: OffboardingStatus, now: Date, refusal: string | null = null): OffboardingRow {
    return this.db
      .insert(offboardings)
      .values({ ...input, status, refusal, createdAt: now.getTime() })
      .returning()
      .get();
  }

  offboarding(id: number): OffboardingRow | undefined {
    return this.db.select().from(offboardings).where(eq(offboardings.id, id)).get();
  }

  offboardingBySourceKey(key: string): OffboardingRow | undefined {
    return this.db.select().from(offboardings).where(eq(offboardings.sourceKey, key)).get();
  }

  /** A refused Jira offboarding taken up again (the issue was fixed): it runs now. */
  restartRefused(id: number, input: NewOffboarding): boolean {
    return this.db.update(offboardings).set({ ...input, status: 'running', refusal: null }).where(and(eq(offboardings.id, id), eq(offboardings.status, 'refused'))).run().changes === 1;
  }

  setRefusal(id: number, refusal: string): void {
    this.db.update(offboardings).set({ refusal }).where(and(eq(offboardings.id, id), eq(offboardings.status, 'refused'))).run();
  }

  /** The person's offboarding under way, by Slack id or email. */
  runningOffboardingOf(person: { slackId: string | null; email: string }): OffboardingRow | undefined {
    const who = person.slackId ? sql`(${offboardings.personSlackId} = ${person.slackId} OR lower(${offboardings.email}) = ${person.email.toLowerCase()})` : sql`lower(${offboardings.email}) = ${person.email.toLowerCase()}`;
    return this.db.select().from(offboardings).where(and(eq(offboardings.status, 'running'), who)).orderBy(desc(offboardings.id)).get();
  }

  /** The person's newest offboarding that ran (running or done), by Slack id or email. */
  latestOffboardingOf(person: { slackId: string | null; email: string | null }): OffboardingRow | undefined {
    const clauses = [];
    if (person.slackId) clauses.push(sql`${offboardings.personSlackId} = ${person.slackId}`);
    if (person.email) clauses.push(sql`lower(${offboardings.email}) = ${person.email.toLowerCase()}`);
    if (clauses.length === 0) return undefined;
    return this.db
      .select()
      .from(offboardings)
      .where(and(inArray(offboardings.status, ['running', 'done']), sql`(${sql.join(clauses, sql` OR `)})`))
      .orderBy(desc(offboardings.id))
      .get();
  }

  finishOffboarding(id: number, now: Date): boolean {
    return this.db.update(offboardings).set({ status: 'done', finishedAt: now.getTime() }).where(and(eq(offboardings.id, id), eq(offboardings.status, 'running'))).run().changes === 1;
  }

  insertStep(offboardingId: number, step: NewStep, now: Date): OffboardingStepRow {
    return this.db
      .insert(offboardingSteps)
      .values({ ...step, offboardingId, status: 'pending', updatedAt: now.getTime() })
      .returning()
      .get();
  }

  step(id: number): OffboardingStepRow | undefined {
    return this.db.select().from(offboardingSteps).where(eq(offboardingSteps.id, id)).get();
  }

  steps(offboardingId: number): OffboardingStepRow[] {
    return this.db.select().from(offboardingSteps).where(eq(offboardingSteps.offboardingId, offboardingId)).orderBy(asc(offboardingSteps.id)).all();
  }

  /** Records a step's state; `done` is final (a later write cannot reopen it). */
  updateStep(id: number, fields: { status: StepStatus; result: string | null }, now: Date): void {
    this.db
      .update(offboardingSteps)
      .set({ ...fields, updatedAt: now.getTime() })
      .where(and(eq(offboardingSteps.id, id), sql`${offboardingSteps.status} <> 'done'`))
      .run();
  }

  markReported(id: number, reported: string): void {
    this.db.update(offboardingSteps).set({ reported }).where(eq(offboardingSteps.id, id)).run();
  }

  /** The running offboarding that has a step for this request, if any. */
  runningOffboardingForRequest(requestId: number): number | undefined {
    return this.db
      .select({ id: offboardings.id })
      .from(offboardingSteps)
      .innerJoin(offboardings, eq(offboardings.id, offboardingSteps.offboardingId))
      .where(and(eq(offboardingSteps.requestId, requestId), eq(offboardings.status, 'running')))
      .get()?.id;
  }

  /** Active and provisioning grants of one provider account (whoever holds them in Slack). */
  liveGrantsOfAccount(provider: string, idpUserId: string): Array<{ id: number; requestId: number; userSlackId: string }> {
    return this.db
      .select({ id: grants.id, requestId: grants.requestId, userSlackId: grants.userSlackId })
      .from(grants)
      .where(and(eq(grants.provider, provider), eq(grants.idpUserId, idpUserId), inArray(grants.status, ['active', 'provisioning', 'ending'])))
      .orderBy(asc(grants.id))
      .all();
  }

  // ----- onboardings

  insertOnboarding(input: Pick<OnboardingRow, 'personSlackId' | 'email' | 'bundles' | 'source' | 'sourceKey' | 'requestedBy' | 'status' | 'refusal'>, now: Date): OnboardingRow {
    return this.db
      .insert(onboardings)
      .values({ ...input, createdAt: now.getTime() })
      .returning()
      .get();
  }

  onboardingBySourceKey(key: string): OnboardingRow | undefined {
    return this.db.select().from(onboardings).where(eq(onboardings.sourceKey, key)).get();
  }

  /** A refused Jira onboarding filed after all, or refused again with new words. */
  updateOnboarding(id: number, fields: Partial<Pick<OnboardingRow, 'personSlackId' | 'email' | 'bundles' | 'requestedBy' | 'status' | 'refusal'>>): void {
    this.db.update(onboardings).set(fields).where(eq(onboardings.id, id)).run();
  }

  // ----- bundles

  recordBundleRequest(requestId: number, bundleId: string, personSlackId: string, now: Date): void {
    this.db.insert(bundleRequests).values({ requestId, bundleId, personSlackId, createdAt: now.getTime() }).onConflictDoNothing().run();
  }

  /** The person's live grants that came through a bundle, with the bundle. */
  bundleGrantsOf(personSlackId: string): Array<{ bundleId: string; grantId: number; requestId: number; appId: string; roleId: string }> {
    return this.db
      .select({ bundleId: bundleRequests.bundleId, grantId: grants.id, requestId: grants.requestId, appId: grants.appId, roleId: grants.roleId })
      .from(bundleRequests)
      .innerJoin(grants, eq(grants.requestId, bundleRequests.requestId))
      .where(and(eq(bundleRequests.personSlackId, personSlackId), eq(grants.status, 'active')))
      .orderBy(asc(grants.id))
      .all();
  }

  insertOffer(input: Pick<BundleOfferRow, 'moveId' | 'personSlackId' | 'bundleId' | 'offeredTo'>, now: Date): BundleOfferRow {
    return this.db
      .insert(bundleOffers)
      .values({ ...input, status: 'open', createdAt: now.getTime() })
      .returning()
      .get();
  }

  offer(id: number): BundleOfferRow | undefined {
    return this.db.select().from(bundleOffers).where(eq(bundleOffers.id, id)).get();
  }

  openOffersOf(personSlackId: string): BundleOfferRow[] {
    return this.db.select().from(bundleOffers).where(and(eq(bundleOffers.personSlackId, personSlackId), eq(bundleOffers.status, 'open'))).all();
  }

  /** Compare-and-set: the offer is filed once. */
  fileOffer(id: number, by: string, now: Date): boolean {
    return this.db.update(bundleOffers).set({ status: 'filed', filedBy: by, filedAt: now.getTime() }).where(and(eq(bundleOffers.id, id), eq(bundleOffers.status, 'open'))).run().changes === 1;
  }

  // ----- profiles and moves

  profile(slackId: string): PersonProfileRow | undefined {
    return this.db.select().from(personProfiles).where(eq(personProfiles.slackId, slackId)).get();
  }

  saveProfile(row: PersonProfileRow): void {
    this.db.insert(personProfiles).values(row).onConflictDoUpdate({ target: personProfiles.slackId, set: row }).run();
  }

  /**
   * Everyone the profile sync looks at: people with a profile on record, and people holding active access,
   * with the email Keycard knows for them (the profile's, else their newest request's).
   */
  peopleToSync(): Array<{ slackId: string; email: string }> {
    const known = this.db.select({ slackId: personProfiles.slackId, email: personProfiles.email }).from(personProfiles).all();
    const holders = this.db
      .select({ slackId: requests.requesterSlackId, email: sql<string>`max(${requests.requesterEmail})` })
      .from(grants)
      .innerJoin(requests, eq(requests.id, grants.requestId))
      .where(and(eq(grants.status, 'active'), isNotNull(requests.requesterEmail)))
      .groupBy(requests.requesterSlackId)
      .all();
    const people = new Map<string, string>();
    for (const h of holders) if (h.email) people.set(h.slackId, h.email);
    for (const k of known) people.set(k.slackId, k.email);
    return [...people].map(([slackId, email]) => ({ slackId, email })).sort((a, b) => a.slackId.localeCompare(b.slackId));
  }

  insertMove(input: Pick<ProfileMoveRow, 'slackId' | 'fromDepartment' | 'toDepartment' | 'fromManager' | 'toManager'>, now: Date): ProfileMoveRow {
    return this.db
      .insert(profileMoves)
      .values({ ...input, detectedAt: now.getTime() })
      .returning()
      .get();
  }

  setMoveCampaign(id: number, campaignId: number): void {
    this.db.update(profileMoves).set({ campaignId }).where(eq(profileMoves.id, id)).run();
  }
}
