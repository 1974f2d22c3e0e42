/**
 * Auto reclaim past the warning: a downgrade (the lower role granted first, never left with neither), Ask for
 * it back within the restore window (no approval) and after it (a normal request), no second warning across
 * a restart or two scans at once, a removal through a provider outage, an admin's exclusion, and a reclaim
 * and an access review revoking the same membership at once removing it once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RECLAIM_ASK_BACK_ACTION, RECLAIM_REMOVE_NOW_ACTION } from '../../src/slack/blocks/reclaim.js';
import { JUSTIFICATION_ACTION, JUSTIFICATION_BLOCK } from '../../src/slack/blocks/request-modal.js';
import { decideItems } from '../../src/workflows/review/index.js';
import { Harness, stopCheckingFakes } from '../support/harness.js';
import { PEOPLE } from '../support/people.js';
import { DAY, buttonsOf, caseOf, click, grantEditor, lastAnswer, reclaimCatalog, reclaimDms, scan, startReclaim } from '../support/reclaim-world.js';

const { priya, eve, marco, owen, ada } = PEOPLE;

/** Priya's Editor through Keycard, Eve's added by hand; both unused for 40 days, then scanned. */
async function twoWarned(h: Harness): Promise<void> {
  await grantEditor(h, 'priya');
  h.okta.addMember('00g4editor', eve.oktaId);
  h.okta.addMember('00g4shared', eve.oktaId);
  h.clock.advance(40 * DAY);
  await scan(h);
  expect(h.store.reclaim.casesOfApp('figma').map((c) => c.status)).toEqual(['warned', 'warned']);
}

/** Deletes of one person's membership of one group that reached Okta. */
function deletes(h: Harness, group: string, oktaId: string): number {
  return h.okta.membershipCalls().filter((c) => c.method === 'DELETE' && c.groupId === group && c.userId === oktaId).length;
}

describe('auto reclaim lifecycle', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await stopCheckingFakes(h);
    h = undefined;
  });

  it('downgrades: the lower role is granted first (approved as a downgrade), then the higher removed, shared groups kept', async () => {
    h = await startReclaim({ action: 'downgrade:viewer' });
    await twoWarned(h);
    expect(reclaimDms(h, 'priya')[0]?.text).toContain('It will be changed to Viewer on Feb 22 unless you keep it.');

    await h.settle(7 * DAY);
    await h.drain();

    for (const who of [priya, eve]) {
      expect(h.okta.isMember('00g4viewer', who.oktaId)).toBe(true);
      expect(h.okta.isMember('00g4shared', who.oktaId)).toBe(true);
      expect(h.okta.isMember('00g4editor', who.oktaId)).toBe(false);
      expect(deletes(h, '00g4shared', who.oktaId)).toBe(0);
      // The lower role went in before the higher one came out.
      const calls = h.okta.membershipCalls().filter((c) => c.userId === who.oktaId && c.status < 300);
      const added = calls.findIndex((c) => c.method === 'PUT' && c.groupId === '00g4viewer');
      const removed = calls.findIndex((c) => c.method === 'DELETE' && c.groupId === '00g4editor');
      expect(added).toBeGreaterThanOrEqual(0);
      expect(added).toBeLessThan(removed);
    }
    expect(caseOf(h, 'priya')).toMatchObject({ status: 'downgraded', result: 'downgraded to Viewer' });
    const priyaCase = caseOf(h, 'priya');
    const lower = h.store.requests.get(priyaCase.downgradeRequestId!)!;
    expect(lower).toMatchObject({ appId: 'figma', roleId: 'viewer', status: 'active', requesterSlackId: priya.slackId, idpUserId: priya.oktaId });
    const approval = h.store.audit.all().find((e) => e.requestId === lower.id && e.action === 'request.auto_approved');
    expect(approval).toMatchObject({ actor: `system:downgrade by reclaim #${priyaCase.id}`, data: { note: `downgrade by reclaim #${priyaCase.id}`, reclaimCaseId: priyaCase.id } });
    expect(h.store.grants.forRequest(1)).toMatchObject({ status: 'revoked', endingNote: 'downgraded to Viewer by reclaim: no sign-in on record' });
    expect(reclaimDms(h, 'priya').at(-1)?.text).toContain('Figma is now Viewer instead of Editor (no sign-in on record). Need Editor again?');
  });

  it('never leaves a downgrade with neither role: the higher stays until the lower one is in place', async () => {
    h = await startReclaim({ action: 'downgrade:viewer' });
    await twoWarned(h);
    h.okta.inject({ method: 'PUT', path: `/api/v1/groups/00g4viewer/users/${eve.oktaId}`, status: 403, times: Infinity, body: { errorCode: 'E0000006', errorSummary: 'You do not have permission to perform the requested action' } });

    await h.settle(7 * DAY);
    await h.drain();

    const eveCase = caseOf(h, 'eve');
    expect(eveCase.status).toBe('removing');
    expect(h.store.requests.get(eveCase.downgradeRequestId!)?.status).toBe('failed');
    expect(h.okta.isMember('00g4editor', eve.oktaId)).toBe(true);
    expect(h.okta.isMember('00g4shared', eve.oktaId)).toBe(true);
    expect(caseOf(h, 'priya').status).toBe('downgraded');

    h.okta.clearFaults();
    await h.driver.command(ada.slackId, '/access-admin', `retry ${eveCase.downgradeRequestId}`);
    await h.drain();

    expect(caseOf(h, 'eve').status).toBe('downgraded');
    expect(h.okta.isMember('00g4viewer', eve.oktaId)).toBe(true);
    expect(h.okta.isMember('00g4editor', eve.oktaId)).toBe(false);
  });

  it('Ask for it back within 14 days restores the same role without approval, recorded as a restore of the reclaim', async () => {
    h = await startReclaim();
    await twoWarned(h);
    await h.settle(7 * DAY);
    await h.drain();
    const result = reclaimDms(h, 'priya').at(-1)!;
    h.clock.advance(13 * DAY);
    await click(h, 'priya', result, RECLAIM_ASK_BACK_ACTION, 'eve');
    expect(lastAnswer(h, 'eve')).toContain("someone else's access");

    await click(h, 'priya', result, RECLAIM_ASK_BACK_ACTION);
    await h.drain();

    const reclaimed = caseOf(h, 'priya');
    const restore = h.store.requests.get(reclaimed.restoreRequestId!)!;
    expect(lastAnswer(h, 'priya')).toBe(`:key: Restoring *Figma (Editor)*: request #${restore.id}, no approval needed (restore of reclaim #${reclaimed.id}). You'll get a DM when it's back.`);
    expect(h.okta.isMember('00g4editor', priya.oktaId)).toBe(true);
    expect(restore).toMatchObject({ appId: 'figma', roleId: 'editor', status: 'active', requesterSlackId: priya.slackId });
    expect(restore.justification).toContain(`Restore of reclaim #${reclaimed.id}`);
    expect(h.store.requests.steps(restore.id)).toEqual([]);
    // Marco approved the first grant only: nobody was asked this time.
    expect(h.slack.dms(marco.slackId).filter((m) => JSON.stringify(m.history[0]?.blocks ?? m.blocks ?? []).includes('approval_approve'))).toHaveLength(1);
    expect(h.store.audit.all().find((e) => e.requestId === restore.id && e.action === 'request.auto_approved')?.actor).toBe(`system:restore of reclaim #${reclaimed.id}`);
    expect(reclaimed.status).toBe('restored');
    expect(h.jira.comments(restore.jiraKey!).join('\n')).toContain(`Figma (Editor): restore of reclaim #${reclaimed.id}`);
    const redrawn = h.slack.message(result.channel, result.ts);
    expect(buttonsOf(redrawn)).toEqual([]);
    expect(redrawn?.text).toContain(`restored at your request: request #${restore.id}`);
    // A second click does nothing more.
    await click(h, 'priya', result, RECLAIM_ASK_BACK_ACTION, 'priya', { caseId: reclaimed.id });
    expect(lastAnswer(h, 'priya')).toBe(`*Figma (Editor)* was already restored (request #${restore.id}).`);
  });

  it('Ask for it back after the restore window opens the usual request form, which goes through approval', async () => {
    h = await startReclaim();
    await twoWarned(h);
    await h.settle(7 * DAY);
    await h.drain();
    const result = reclaimDms(h, 'priya').at(-1)!;
    h.clock.advance(15 * DAY);

    await click(h, 'priya', result, RECLAIM_ASK_BACK_ACTION);
    const form = h.slack.openViews(priya.slackId)[0]!;
    const blocks = JSON.stringify(form.blocks);
    expect(blocks).toContain('More than 14d since *Figma (Editor)* was reclaimed: ask for it as usual.');
    // Figma and Editor are already chosen: only the justification is asked.
    expect(blocks).toContain('"initial_option":{"text":{"type":"plain_text","text":"Figma"');
    await h.driver.submitView(priya.slackId, form.id, { [JUSTIFICATION_BLOCK]: { [JUSTIFICATION_ACTION]: 'back on the design system' } });
    await h.drain();

    const again = h.store.requests.listByRequester(priya.slackId).find((r) => r.id > 1 && r.roleId === 'editor')!;
    expect(again.status).toBe('pending_approval');
    expect(caseOf(h, 'priya').status).toBe('reclaimed');
    expect(h.okta.isMember('00g4editor', priya.oktaId)).toBe(false);
  });

  it('never warns twice: not after a restart, not when two scans run at once', async () => {
    h = await startReclaim();
    await twoWarned(h);
    const { fakes, clock, databasePath } = h;
    await h.stop({ keepFakes: true, keepDatabase: true });
    h = await Harness.start({ fakes, clock, databasePath, catalogYaml: reclaimCatalog() });

    await h.driver.command(ada.slackId, '/access-admin', 'reclaim run figma');
    await h.driver.command(ada.slackId, '/access-admin', 'reclaim run figma');
    await h.settle();

    expect(h.store.reclaim.casesOfApp('figma')).toHaveLength(2);
    expect(reclaimDms(h, 'priya')).toHaveLength(1);
    expect(reclaimDms(h, 'eve')).toHaveLength(1);
    expect(h.store.audit.all().filter((e) => e.action === 'reclaim.warned')).toHaveLength(2);
    expect(h.store.audit.all().filter((e) => e.action === 'reclaim.scanned')).toHaveLength(3);
  });

  it('takes the access back through a provider outage: the removal retries until Okta answers', async () => {
    h = await startReclaim();
    await twoWarned(h);
    h.okta.inject({ method: 'GET', path: '/api/v1/logs', status: 503, times: 2 });
    h.okta.inject({ method: 'DELETE', path: /\/groups\/00g4editor\/users\//, status: 503, times: Infinity });

    await h.settle(7 * DAY);
    await h.settle(2000);
    await h.settle(2000);
    expect(h.okta.isMember('00g4editor', priya.oktaId)).toBe(true);
    await h.driver.command(ada.slackId, '/access-admin', 'reclaim preview figma');
    await h.settle();
    const preview = lastAnswer(h, 'ada');
    expect(preview).toContain('• Being removed now: 2:');
    expect(preview).toMatch(/Eve Stone \(failing: could not remove 00g4editor \(.*503/);
    expect(preview).toMatch(/Priya Shah \(failing: 00g4editor: .*503/);

    h.okta.clearFaults();
    await h.drain(60_000);

    expect(h.okta.isMember('00g4editor', priya.oktaId)).toBe(false);
    expect(h.okta.isMember('00g4editor', eve.oktaId)).toBe(false);
    expect(h.store.reclaim.casesOfApp('figma').map((c) => c.status)).toEqual(['reclaimed', 'reclaimed']);
    expect(h.store.jobs.countByStatus().dead).toBe(0);
  });

  it('an exclusion withdraws the warning and keeps the person out of later scans', async () => {
    h = await startReclaim();
    await twoWarned(h);
    const warning = reclaimDms(h, 'eve')[0]!;

    const answer = await h.driver.command(ada.slackId, '/access-admin', `reclaim exclude <@${eve.slackId}|eve> figma on parental leave`);
    await h.settle();

    expect(answer.body).toContain(`<@${eve.slackId}> is excluded from reclaim on *Figma*; recorded as exclusion #1 (on parental leave). their warning is withdrawn.`);
    expect(caseOf(h, 'eve')).toMatchObject({ status: 'cancelled', result: 'excluded from reclaim by an admin: the warning is withdrawn' });
    expect(buttonsOf(h.slack.message(warning.channel, warning.ts))).toEqual([]);
    await h.settle(8 * DAY);
    await scan(h);
    expect(h.okta.isMember('00g4editor', eve.oktaId)).toBe(true);
    expect(h.store.reclaim.casesOfApp('figma').filter((c) => c.idpUserId === eve.oktaId)).toHaveLength(1);
    expect(h.store.audit.all().find((e) => e.action === 'reclaim.excluded')).toMatchObject({ actor: `user:${ada.slackId}`, data: expect.objectContaining({ app: 'figma', slackId: eve.slackId, reason: 'on parental leave' }) });

    const refused = await h.driver.command(ada.slackId, '/access-admin', 'reclaim exclude nobody figma');
    expect(refused.body).toContain('Usage: `/access-admin reclaim exclude <person> <app> [reason]`');
  });

  it.each(['the grace period ends', 'each person clicks Remove now'])('a reclaim and an access review revoking the same membership at once remove it once (%s)', async (when) => {
    h = await startReclaim();
    await grantEditor(h, 'priya');
    h.okta.addMember('00g4editor', eve.oktaId);
    h.clock.advance(40 * DAY);
    await scan(h);
    // The review's revokes are enforced 5 minutes after the decision: decided so they fall due with the reclaim.
    if (when === 'the grace period ends') h.clock.advance(7 * DAY - 5 * 60_000);
    await h.driver.command(ada.slackId, '/access-admin', 'review start "Q1 Design" apps=figma reviewer=owner due=14d unreviewed=keep');
    await h.settle();
    const items = h.store.reviews.items(1).filter((i) => i.roleId === 'editor');
    expect(items.map((i) => i.email).sort()).toEqual(['eve@acme.com', 'priya@acme.com']);
    expect(decideItems(h.keycard.deps, owen.slackId, items.map((i) => i.id), { decision: 'revoke', reason: 'inactive', note: null }).decided).toHaveLength(2);

    if (when === 'the grace period ends') await h.settle(5 * 60_000);
    else {
      h.clock.advance(5 * 60_000);
      await click(h, 'priya', reclaimDms(h, 'priya')[0]!, RECLAIM_REMOVE_NOW_ACTION);
      await click(h, 'eve', reclaimDms(h, 'eve')[0]!, RECLAIM_REMOVE_NOW_ACTION);
    }
    await h.settle(8 * DAY);
    await h.drain();

    for (const who of [priya, eve]) {
      expect(h.okta.isMember('00g4editor', who.oktaId)).toBe(false);
      expect(deletes(h, '00g4editor', who.oktaId)).toBe(1);
    }
    expect(h.store.reviews.items(1).filter((i) => i.roleId === 'editor').map((i) => i.enforcement)).toEqual(['confirmed', 'confirmed']);
    // Whoever came second found nothing to do and recorded it: one of the two, for each person.
    const after = h.store.reviews.items(1);
    const reviewSecond = [
      ...h.store.audit.all().filter((e) => e.action === 'review.already_removing').map((e) => after.find((i) => i.id === e.data['itemId'])?.email),
      ...after.filter((i) => i.roleId === 'editor' && Object.values(i.removed).includes('already_removed')).map((i) => i.email),
    ];
    const reclaimSecond = h.store.reclaim.casesOfApp('figma').filter((c) => c.status === 'cancelled' && (c.result ?? '').startsWith('nothing to do')).map((c) => c.email);
    expect([...reviewSecond, ...reclaimSecond].sort()).toEqual(['eve@acme.com', 'priya@acme.com']);
    expect(h.store.reclaim.casesOfApp('figma').every((c) => c.status === 'cancelled' || c.status === 'reclaimed')).toBe(true);
  });
});
