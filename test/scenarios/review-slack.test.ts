/**
 * Access reviews in Slack, driven through the real Bolt app with signed requests: the reviewer opens their
 * items from the DM's **Open review** (or App Home), decides Keep or Revoke (with a reason), keeps the
 * recommended keeps of a page at once, pages and filters within Slack's 100 blocks per view, and changes a
 * decision until it is enforced. Refusals show in the list. The admin starts a review with the form.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { formatDateTimeUtc, formatTimeUtc } from '../../src/domain/format.js';
import { isRevokeReason, REVOKE_REASONS, type RevokeReason } from '../../src/domain/review.js';
import {
  REVIEW_CONTROLS_BLOCK,
  REVIEW_FILTER_ACTION,
  REVIEW_INVITE_BLOCK,
  REVIEW_KEEP_ACTION,
  REVIEW_KEEP_RECOMMENDED_ACTION,
  REVIEW_LIST_CALLBACK_ID,
  REVIEW_NEXT_ACTION,
  REVIEW_NOTICE_BLOCK,
  REVIEW_OPEN_ACTION,
  REVIEW_REVOKE_ACTION,
  REVOKE_CALLBACK_ID,
  REVOKE_NOTE_ACTION,
  REVOKE_NOTE_BLOCK,
  REVOKE_REASON_ACTION,
  REVOKE_REASON_BLOCK,
  reviewItemAboutBlockId,
  reviewItemBlockId,
  reviewItemStateBlockId,
} from '../../src/slack/blocks/review.js';
import { REVIEW_START_ACTIONS, REVIEW_START_BLOCKS, REVIEW_START_CALLBACK_ID } from '../../src/slack/blocks/review-start.js';
import { homeReviewBlockId } from '../../src/slack/blocks/home.js';
import type { NewReviewItem } from '../../src/store/reviews.repo.js';
import { REVIEW_PAGE_SIZE } from '../../src/workflows/review/index.js';
import { blocksText, elementsOf, findElement, isObject, optionsOf, validateView } from '../fakes/block-kit.js';
import type { SlackView } from '../fakes/slack.js';
import { Harness, stopCheckingFakes } from '../support/harness.js';
import { PEOPLE, TEST_CATALOG, type Person, type PersonKey } from '../support/people.js';

const { priya, eve, owen, ada, sara, marco } = PEOPLE;
const DAY = 24 * 3600_000;
/** KEYCARD_REVIEW_REVOKE_AFTER's default. */
const REVOKE_AFTER = 5 * 60_000;
const REASONS = Object.keys(REVOKE_REASONS)
  .filter(isRevokeReason)
  .map((reason) => [reason, REVOKE_REASONS[reason]] as const);

// ------------------------------------------------------------------------------------------ helpers

/** Priya's Salesforce Viewer through Keycard, Eve's added by hand in Okta; Owen (the owner) reviews both. */
async function reviewBuiltFromOkta(h: Harness): Promise<void> {
  await h.driver.command(priya.slackId, '/request', 'salesforce viewer');
  await h.drain();
  h.okta.addMember('00g1viewer', eve.oktaId);
  await h.driver.command(ada.slackId, '/access-admin', 'review start "Q1 CRM" apps=salesforce reviewer=owner due=14d unreviewed=keep');
  await h.drain();
}

function itemOf(person: Person, fields: Partial<NewReviewItem> = {}): NewReviewItem {
  return {
    appId: 'salesforce',
    roleId: 'viewer',
    provider: 'okta',
    groups: ['00g1viewer'],
    idpUserId: person.oktaId,
    email: person.email,
    name: person.name,
    title: person.title,
    department: person.department,
    accountStatus: 'active',
    slackId: person.slackId,
    lastSignInAt: null,
    lastSignInScope: 'none',
    grantId: null,
    requestId: null,
    jiraKey: null,
    recommendation: 'keep',
    recommendationReason: 'granted through Keycard, sign-ins unknown',
    reviewerSlackId: owen.slackId,
    reviewerNote: null,
    ...fields,
  };
}

/** `count` people who are not in Slack, each with Salesforce Viewer, every third one recommended revoke. */
function crowd(count: number, reviewer: string = owen.slackId): NewReviewItem[] {
  return Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(3, '0');
    const revoke = i % 3 === 2;
    return {
      ...itemOf(priya),
      idpUserId: `00uP${n}`,
      email: `p${n}@acme.com`,
      name: `Person ${n}`,
      slackId: null,
      recommendation: revoke ? 'revoke' : 'keep',
      recommendationReason: revoke ? 'inactive: last sign-in anywhere 120 days ago' : 'granted through Keycard, sign-ins unknown',
      reviewerSlackId: reviewer,
    };
  });
}

/** An open campaign written straight into the store (as a build would), and its reviewers' invitations sent. */
async function seedReview(h: Harness, items: readonly NewReviewItem[], name = 'Q1 CRM'): Promise<number> {
  const now = h.clock.now();
  const campaign = h.store.reviews.insertCampaign({ name, apps: ['salesforce', 'github'], reviewer: 'owner', dueAt: now.getTime() + 14 * DAY, unreviewed: 'keep', createdBy: ada.slackId }, now);
  h.store.reviews.insertItems(campaign.id, items);
  h.store.reviews.moveCampaign(campaign.id, 'building', 'open');
  // Items nobody else can review go to the admins (here Ada), as the build sends them.
  for (const to of new Set(items.map((i) => i.reviewerSlackId ?? ada.slackId))) {
    h.store.jobs.enqueue({ kind: 'review.reviewer_dm', payload: { campaignId: campaign.id, to, reminder: false }, orderKey: `dm:${to}` }, now);
  }
  await h.settle();
  return campaign.id;
}

function itemId(h: Harness, email: string, campaignId = 1): number {
  const found = h.store.reviews.items(campaignId).find((i) => i.email === email);
  if (!found) throw new Error(`no review item for ${email}`);
  return found.id;
}

/** `clicker` clicks Open review in `owner`'s invitation DM (someone else's DM: a forged click). */
async function openFromDm(h: Harness, clicker: PersonKey, owner: PersonKey = clicker): Promise<SlackView> {
  const invite = h.slack.dms(PEOPLE[owner].slackId).findLast((m) => findElement(m.blocks, REVIEW_INVITE_BLOCK, REVIEW_OPEN_ACTION));
  if (!invite) throw new Error(`${owner} has no review invitation`);
  const answer = await h.driver.clickButton(PEOPLE[clicker].slackId, { actionId: REVIEW_OPEN_ACTION, blockId: REVIEW_INVITE_BLOCK, container: { message: { channel: invite.channel, ts: invite.ts } } });
  expect(answer.status).toBe(200);
  await h.settle();
  return list(h, clicker);
}

/** The person's review list: the root of their open modals. */
function list(h: Harness, person: PersonKey): SlackView {
  const view = h.slack.openViews(PEOPLE[person].slackId)[0];
  if (!view || view.callback_id !== REVIEW_LIST_CALLBACK_ID) throw new Error(`${person} has no review list open`);
  return view;
}

function text(view: SlackView): string {
  return blocksText(view.blocks);
}

function notice(view: SlackView): string {
  return blocksText(view.blocks.find((b) => b['block_id'] === REVIEW_NOTICE_BLOCK) ?? []);
}

/** What one item shows: its description and its state line. */
function itemText(view: SlackView, id: number): string {
  const ids = [reviewItemAboutBlockId(id), reviewItemStateBlockId(id)];
  const blocks = view.blocks.filter((b) => ids.includes(String(b['block_id'])));
  if (blocks.length !== 2) throw new Error(`item ${id} is not shown`);
  return blocksText(blocks);
}

/** Item ids on the page in view, read from their Keep and Revoke buttons. */
function idsShown(view: SlackView): number[] {
  return [...new Set(elementsOf(view.blocks).filter((e) => e.actionId === REVIEW_KEEP_ACTION || e.actionId === REVIEW_REVOKE_ACTION).map((e) => Number(e.element['value'])))];
}

async function clickItem(h: Harness, person: PersonKey, actionId: string, id: number, force = false): Promise<void> {
  const answer = await h.driver.clickButton(PEOPLE[person].slackId, { actionId, blockId: reviewItemBlockId(id), container: { viewId: list(h, person).id }, ...(force ? { force, value: String(id) } : {}) });
  expect(answer.status).toBe(200);
  await h.settle();
}

async function clickControl(h: Harness, person: PersonKey, actionId: string): Promise<void> {
  const answer = await h.driver.clickButton(PEOPLE[person].slackId, { actionId, blockId: REVIEW_CONTROLS_BLOCK, container: { viewId: list(h, person).id } });
  expect(answer.status).toBe(200);
  await h.settle();
}

/** Revoke, then the pushed reason form submitted with these values; returns the submission's answer. */
async function revoke(h: Harness, person: PersonKey, id: number, reason: RevokeReason, note?: string): Promise<unknown> {
  await clickItem(h, person, REVIEW_REVOKE_ACTION, id);
  const form = h.slack.openViews(PEOPLE[person].slackId)[1];
  expect(form?.callback_id).toBe(REVOKE_CALLBACK_ID);
  const values = { [REVOKE_REASON_BLOCK]: { [REVOKE_REASON_ACTION]: reason }, ...(note !== undefined ? { [REVOKE_NOTE_BLOCK]: { [REVOKE_NOTE_ACTION]: note } } : {}) };
  const answer = await h.driver.submitView(PEOPLE[person].slackId, form!.id, values);
  expect(answer.status).toBe(200);
  await h.settle();
  return answer.json;
}

async function openHome(h: Harness, person: PersonKey): Promise<SlackView> {
  await h.driver.event('app_home_opened', { user: PEOPLE[person].slackId, channel: `D${PEOPLE[person].slackId}`, tab: 'home' });
  await h.settle();
  const home = h.slack.home(PEOPLE[person].slackId);
  if (!home) throw new Error(`${person} has no Home`);
  return home;
}

// ------------------------------------------------------------------------------------------ tests

describe('access reviews in Slack', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await stopCheckingFakes(h);
    h = undefined;
  });

  it('opens the reviewer\'s items from the DM\'s Open review: who, what, groups, last sign-in, how granted, recommendation and state', async () => {
    h = await Harness.start();
    await reviewBuiltFromOkta(h);

    const view = await openFromDm(h, 'owen');

    const jiraKey = h.store.requests.get(1)?.jiraKey;
    const priyaItem = itemText(view, itemId(h, priya.email));
    expect(priyaItem).toContain('*Priya Shah* · Data Engineer, Data');
    expect(priyaItem).toContain('*Salesforce / Viewer* · group `00g1viewer`');
    expect(priyaItem).toContain(`Keycard request #1 (${jiraKey})`);
    expect(priyaItem).toMatch(/Last sign-in \((any app|this app)\): |Last sign-in: unknown/);
    expect(priyaItem).toContain('Undecided');
    const eveItem = itemText(view, itemId(h, eve.email));
    expect(eveItem).toContain('*Not granted through Keycard*');
    expect(eveItem).toContain(':warning: Recommended: *revoke*: not granted through Keycard: no record of who approved it');
    const due = formatDateTimeUtc(new Date(h.store.reviews.campaign(1)?.dueAt ?? 0));
    expect(text(view)).toContain(`*Q1 CRM* (review #1): 2 of 2 left to decide, due ${due}.`);
    expect(idsShown(view).sort()).toEqual([itemId(h, priya.email), itemId(h, eve.email)].sort());
    expect(validateView(view, 'modal')).toEqual([]);
  });

  it('keeps an item: the decision is recorded and the list says so in place', async () => {
    h = await Harness.start();
    await reviewBuiltFromOkta(h);
    await openFromDm(h, 'owen');
    const id = itemId(h, priya.email);

    await clickItem(h, 'owen', REVIEW_KEEP_ACTION, id);

    expect(h.store.reviews.item(id)).toMatchObject({ decision: 'keep', decidedBy: owen.slackId, enforcement: null });
    const view = list(h, 'owen');
    expect(notice(view)).toBe(':white_check_mark: Kept Priya Shah: Salesforce / Viewer.');
    expect(text(view)).toContain('1 of 2 left to decide');
    expect(itemText(view, id)).toContain(':white_check_mark: Kept');
    expect(findElement(view.blocks, reviewItemBlockId(id), REVIEW_KEEP_ACTION)).toBeUndefined();
    expect(h.store.audit.all().filter((e) => e.action === 'review.decided')).toHaveLength(1);
  });

  it.each(REASONS)('revokes with the reason %s (%s), queued for the change window', async (reason, words) => {
    h = await Harness.start();
    await reviewBuiltFromOkta(h);
    await openFromDm(h, 'owen');
    const id = itemId(h, eve.email);

    const answer = await revoke(h, 'owen', id, reason, reason === 'other' ? 'moved to the partner team' : undefined);

    expect(answer).toBeUndefined(); // the form closes
    expect(h.slack.openViews(owen.slackId).map((v) => v.callback_id)).toEqual([REVIEW_LIST_CALLBACK_ID]);
    expect(h.store.reviews.item(id)).toMatchObject({ decision: 'revoke', decisionReason: reason, decisionNote: reason === 'other' ? 'moved to the partner team' : null, enforcement: 'pending' });
    const shown = reason === 'other' ? `${words}: moved to the partner team` : words;
    const until = formatTimeUtc(new Date((h.store.reviews.item(id)?.decidedAt ?? 0) + REVOKE_AFTER));
    expect(itemText(list(h, 'owen'), id)).toContain(`Revoke queued (${shown}), can be changed until ${until}`);
    expect(notice(list(h, 'owen'))).toContain('Revoke of Eve Stone: Salesforce / Viewer queued');
    expect(h.okta.isMember('00g1viewer', eve.oktaId)).toBe(true);
  });

  it('refuses Other without a few words, naming the field, and decides nothing', async () => {
    h = await Harness.start();
    await reviewBuiltFromOkta(h);
    await openFromDm(h, 'owen');
    const id = itemId(h, eve.email);

    const answer = await revoke(h, 'owen', id, 'other');

    expect(answer).toEqual({ response_action: 'errors', errors: { [REVOKE_NOTE_BLOCK]: 'Required when the reason is Other: say why in a few words' } });
    expect(h.slack.openViews(owen.slackId).map((v) => v.callback_id)).toEqual([REVIEW_LIST_CALLBACK_ID, REVOKE_CALLBACK_ID]);
    expect(h.store.reviews.item(id)?.decision).toBeNull();
    expect(h.slack.rejections).toEqual([]);
  });

  it('keeps all recommended keeps of the page in view only', async () => {
    h = await Harness.start();
    await seedReview(h, crowd(30));
    const view = await openFromDm(h, 'owen');
    const page1 = idsShown(view);
    expect(page1).toHaveLength(REVIEW_PAGE_SIZE);

    await clickControl(h, 'owen', REVIEW_KEEP_RECOMMENDED_ACTION);

    const items = h.store.reviews.items(1);
    const kept = items.filter((i) => i.decision === 'keep').map((i) => i.id);
    const expected = items.filter((i) => page1.includes(i.id) && i.recommendation === 'keep').map((i) => i.id);
    expect(kept).toEqual(expected);
    expect(kept).toHaveLength(14);
    expect(items.filter((i) => !page1.includes(i.id)).every((i) => i.decision === null)).toBe(true);
    expect(items.filter((i) => i.recommendation === 'revoke').every((i) => i.decision === null)).toBe(true);
    expect(notice(list(h, 'owen'))).toBe(':white_check_mark: Kept 14 recommended keeps on this page.');
    expect(text(list(h, 'owen'))).toContain('16 of 30 left to decide');
  });

  it('changes a Revoke back to Keep within the window, and refuses a change once the revoke is enforced', async () => {
    h = await Harness.start();
    await reviewBuiltFromOkta(h);
    await openFromDm(h, 'owen');
    const id = itemId(h, eve.email);

    await revoke(h, 'owen', id, 'left_team');
    await clickItem(h, 'owen', REVIEW_KEEP_ACTION, id);
    await h.settle(REVOKE_AFTER + 1000);
    await h.drain();

    expect(h.store.reviews.item(id)).toMatchObject({ decision: 'keep', enforcement: null });
    expect(h.okta.isMember('00g1viewer', eve.oktaId)).toBe(true);

    await revoke(h, 'owen', id, 'inactive');
    const stale = list(h, 'owen');
    expect(findElement(stale.blocks, reviewItemBlockId(id), REVIEW_KEEP_ACTION)).toBeDefined();
    await h.settle(REVOKE_AFTER + 1000);
    await h.drain();
    expect(h.okta.isMember('00g1viewer', eve.oktaId)).toBe(false);
    await clickItem(h, 'owen', REVIEW_KEEP_ACTION, id);

    expect(h.store.reviews.item(id)).toMatchObject({ decision: 'revoke', decisionReason: 'inactive', enforcement: 'confirmed' });
    const view = list(h, 'owen');
    expect(notice(view)).toBe(":no_entry: Not decided: Eve Stone's salesforce/viewer is already being revoked: the decision can no longer change.");
    const enforcedAt = formatTimeUtc(new Date(h.store.reviews.item(id)?.enforcedAt ?? 0));
    expect(itemText(view, id)).toContain(`:lock: Revoked at ${enforcedAt} (Inactive)`);
    expect(findElement(view.blocks, reviewItemBlockId(id), REVIEW_KEEP_ACTION)).toBeUndefined();
  });

  it('lets only the assigned reviewer or an admin decide; a refused click shows in the view', async () => {
    h = await Harness.start();
    await reviewBuiltFromOkta(h);
    const id = itemId(h, eve.email);

    const saras = await openFromDm(h, 'sara', 'owen');
    expect(text(saras)).toContain('you have nothing to review in it');
    await clickItem(h, 'sara', REVIEW_KEEP_ACTION, id, true);
    await clickItem(h, 'sara', REVIEW_REVOKE_ACTION, id, true);

    expect(h.store.reviews.item(id)?.decision).toBeNull();
    expect(notice(list(h, 'sara'))).toBe(`:no_entry: Not decided: Eve Stone's salesforce/viewer is for <@${owen.slackId}> to review.`);
    expect(h.slack.openViews(sara.slackId)).toHaveLength(1); // no Revoke form for her

    await openFromDm(h, 'ada', 'owen');
    await clickItem(h, 'ada', REVIEW_KEEP_ACTION, id, true);

    expect(h.store.reviews.item(id)).toMatchObject({ decision: 'keep', decidedBy: ada.slackId });
    expect(notice(list(h, 'ada'))).toBe(':white_check_mark: Kept Eve Stone: Salesforce / Viewer.');
  });

  it('lets nobody decide an item about their own access, not even an admin', async () => {
    h = await Harness.start();
    await seedReview(h, [itemOf(ada, { reviewerSlackId: null, reviewerNote: "the reviewer's own access: goes to the admins" }), itemOf(marco, { reviewerSlackId: null })]);
    const adaItem = itemId(h, ada.email);

    const view = await openFromDm(h, 'ada');
    expect(idsShown(view)).toEqual([itemId(h, marco.email)]);
    await clickItem(h, 'ada', REVIEW_KEEP_ACTION, adaItem, true);
    await clickItem(h, 'ada', REVIEW_REVOKE_ACTION, adaItem, true);

    expect(h.store.reviews.item(adaItem)?.decision).toBeNull();
    expect(notice(list(h, 'ada'))).toBe(":no_entry: Not decided: Ada Admin's salesforce/viewer is your own access: someone else decides it.");
    expect(h.slack.openViews(ada.slackId)).toHaveLength(1);
  });

  it('pages 300 items within 100 blocks per view, every item reachable with Next, and filters', async () => {
    h = await Harness.start();
    await seedReview(h, crowd(300));
    let view = await openFromDm(h, 'owen');
    const seen: number[] = [];
    const blockCounts: number[] = [];

    for (;;) {
      expect(validateView(view, 'modal')).toEqual([]);
      blockCounts.push(view.blocks.length);
      seen.push(...idsShown(view));
      if (!findElement(view.blocks, REVIEW_CONTROLS_BLOCK, REVIEW_NEXT_ACTION)) break;
      await clickControl(h, 'owen', REVIEW_NEXT_ACTION);
      view = list(h, 'owen');
    }

    expect(blockCounts).toHaveLength(300 / REVIEW_PAGE_SIZE);
    expect(Math.max(...blockCounts)).toBeLessThanOrEqual(100);
    expect(seen.sort((a, b) => a - b)).toEqual(h.store.reviews.items(1).map((i) => i.id));
    expect(text(view)).toContain('Page 15 of 15 · items 281–300 of 300');
    expect(h.slack.rejections).toEqual([]);

    await h.driver.selectOption(owen.slackId, { viewId: view.id, blockId: REVIEW_CONTROLS_BLOCK, actionId: REVIEW_FILTER_ACTION, value: 'revoke_first' });
    await h.settle();
    const revokesFirst = h.store.reviews.items(1).filter((i) => i.recommendation === 'revoke').slice(0, REVIEW_PAGE_SIZE).map((i) => i.id);
    expect(idsShown(list(h, 'owen'))).toEqual(revokesFirst);
    expect(text(list(h, 'owen'))).toContain('Page 1 of 15');
  });

  it('shows the reviewer their open reviews in App Home with counts, and refreshes it after a decision', async () => {
    h = await Harness.start();
    await seedReview(h, [itemOf(priya), itemOf(eve), itemOf(marco)]);
    let home = await openHome(h, 'owen');

    expect(blocksText(home.blocks)).toContain('Access reviews (1)');
    expect(blocksText(home.blocks)).toContain(':mag: *Q1 CRM*: 3 of 3 left to decide, due Tue 20 Jan');
    expect(validateView(home, 'home')).toEqual([]);
    const answer = await h.driver.clickButton(owen.slackId, { actionId: REVIEW_OPEN_ACTION, blockId: homeReviewBlockId(1), container: { viewId: home.id } });
    expect(answer.status).toBe(200);
    await h.settle();
    await clickItem(h, 'owen', REVIEW_KEEP_ACTION, itemId(h, eve.email));

    home = h.slack.home(owen.slackId)!;
    expect(blocksText(home.blocks)).toContain(':mag: *Q1 CRM*: 2 of 3 left to decide, due Tue 20 Jan');
    expect(blocksText((await openHome(h, 'sara')).blocks)).not.toContain('Access reviews');
  });

  describe('the start form', () => {
    async function openForm(h: Harness): Promise<SlackView> {
      const answer = await h.driver.command(ada.slackId, '/access-admin', 'review start');
      expect(answer.status).toBe(200);
      await h.settle();
      const form = h.slack.openViews(ada.slackId)[0];
      expect(form?.callback_id).toBe(REVIEW_START_CALLBACK_ID);
      return form!;
    }

    function values(fields: { name?: string; apps?: string[]; reviewer?: string; due?: string; unreviewed?: string }) {
      const B = REVIEW_START_BLOCKS;
      const A = REVIEW_START_ACTIONS;
      return {
        [B.name]: { [A.name]: fields.name ?? 'Q1 CRM' },
        [B.apps]: { [A.apps]: fields.apps ?? ['salesforce'] },
        ...(fields.reviewer ? { [B.reviewer]: { [A.reviewer]: fields.reviewer } } : {}),
        ...(fields.due ? { [B.due]: { [A.due]: fields.due } } : {}),
        ...(fields.unreviewed ? { [B.unreviewed]: { [A.unreviewed]: fields.unreviewed } } : {}),
      };
    }

    it.each([
      ['a blank name and a past due date', { name: '   ', due: '2026-01-05' }, { review_start_name: 'Give the review a name, e.g. Q1 CRM', review_start_due: 'Pick a day after today' }],
      ['today as the due date', { due: '2026-01-06' }, { review_start_due: 'Pick a day after today' }],
      ['a due date past 120 days', { due: '2026-05-10' }, { review_start_due: 'At most 120 days away: 2026-05-05 or earlier' }],
    ])('answers %s with errors under each field, and starts nothing', async (_what, fields, errors) => {
      h = await Harness.start();
      const form = await openForm(h);

      const answer = await h.driver.submitView(ada.slackId, form.id, values(fields));

      expect(answer.json).toEqual({ response_action: 'errors', errors });
      expect(h.store.reviews.campaigns()).toEqual([]);
      expect(h.slack.isViewOpen(form.id)).toBe(true);
      expect(h.slack.rejections).toEqual([]);
    });

    it('lists the reviewable apps, the reviewers and a due date in range, and starts the review, answered by DM', async () => {
      h = await Harness.start();
      const form = await openForm(h);
      expect(validateView(form, 'modal')).toEqual([]);
      const apps = findElement(form.blocks, REVIEW_START_BLOCKS.apps, REVIEW_START_ACTIONS.apps)?.element;
      expect(optionsOf(apps ?? {}).map((o) => o['value'])).toEqual(['salesforce', 'github', 'warehouse']);
      const reviewers = findElement(form.blocks, REVIEW_START_BLOCKS.reviewer, REVIEW_START_ACTIONS.reviewer)?.element;
      expect(optionsOf(reviewers ?? {}).map((o) => o['value'])).toEqual(['owner', 'manager', 'group:security', 'group:self-review']);
      expect(findElement(form.blocks, REVIEW_START_BLOCKS.due, REVIEW_START_ACTIONS.due)?.element['initial_date']).toBe('2026-01-20');

      const answer = await h.driver.submitView(ada.slackId, form.id, values({ name: 'Q1 CRM', apps: ['salesforce', 'github'], reviewer: 'group:security', due: '2026-02-01', unreviewed: 'revoke' }));

      await h.settle();
      expect(answer.body).toBe('');
      expect(h.slack.isViewOpen(form.id)).toBe(false);
      expect(h.store.reviews.campaigns()).toEqual([
        expect.objectContaining({ name: 'Q1 CRM', apps: ['salesforce', 'github'], reviewer: 'group:security', unreviewed: 'revoke', dueAt: Date.parse('2026-02-01T23:59:00Z'), createdBy: ada.slackId }),
      ]);
      // The answer by DM, then (the build ran as the test settled) the one saying it is open.
      expect(h.slack.dms(ada.slackId)[0]?.text).toContain(':mag: Review #1 *Q1 CRM* started: reading the members of salesforce, github from the identity providers.');
    });

    it('searches the apps instead of listing them past 100, and starts a review of a searched app', async () => {
      const extra = Array.from({ length: 110 }, (_, i) => `  - id: app-${i}\n    name: App ${i}\n    description: Generated\n    owner: owen@acme.com\n    provider: okta\n    roles:\n      - id: viewer\n        name: Viewer\n        description: Read-only\n        groups: [00g1viewer]\n        approval: auto\n`);
      h = await Harness.start({ catalogYaml: `${TEST_CATALOG}${extra.join('')}` });
      const form = await openForm(h);

      const found = await h.driver.suggest(ada.slackId, { viewId: form.id, blockId: REVIEW_START_BLOCKS.apps, actionId: REVIEW_START_ACTIONS.apps, value: 'app-10' });
      const answer = await h.driver.submitView(ada.slackId, form.id, values({ apps: ['app-105'] }));
      await h.settle();

      expect(findElement(form.blocks, REVIEW_START_BLOCKS.apps, REVIEW_START_ACTIONS.apps)?.element['type']).toBe('multi_external_select');
      expect(optionsOf(isObject(found.json) ? found.json : {}).map((o) => o['value'])).toEqual(['app-10', ...Array.from({ length: 10 }, (_, i) => `app-10${i}`)]);
      expect(answer.body).toBe('');
      expect(h.store.reviews.campaigns().map((c) => c.apps)).toEqual([['app-105']]);
      expect(h.slack.rejections).toEqual([]);
    });

    it('refuses a submission from someone who is not an admin', async () => {
      h = await Harness.start();
      const form = await openForm(h);

      const answer = await h.driver.submitView(eve.slackId, form.id, values({}));

      expect(answer.json).toMatchObject({ response_action: 'update' });
      expect(blocksText(h.slack.view(form.id)?.blocks)).toContain('Only Keycard admins (KEYCARD_ADMINS) can start an access review.');
      expect(h.store.reviews.campaigns()).toEqual([]);
      expect(h.store.audit.all().filter((e) => e.action === 'admin.refused').map((e) => e.actor)).toEqual([`user:${eve.slackId}`]);
    });

    it('is not opened for someone who is not an admin', async () => {
      h = await Harness.start();

      const answer = await h.driver.command(eve.slackId, '/access-admin', 'review start');

      expect(answer.body).toContain('`/access-admin` is for Keycard admins');
      expect(h.slack.openViews(eve.slackId)).toEqual([]);
    });
  });
});
