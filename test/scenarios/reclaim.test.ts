/**
 * Auto reclaim end to end through the real app, the real Okta client and the stateful fakes: a scan reads
 * Figma's members and sign-ins and warns the inactive by DM (Keep it, Remove now); after the grace period the
 * access goes through the job queue and the one removal path (or is downgraded); Ask for it back restores it
 * without approval within the window, and through a normal request after it. Every step on record.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RECLAIM_KEEP_ACTION, RECLAIM_KEEP_REASON_ACTION, RECLAIM_KEEP_REASON_BLOCK, RECLAIM_REMOVE_NOW_ACTION } from '../../src/slack/blocks/reclaim.js';
import { startReclaimRuns } from '../../src/workflows/reclaim/index.js';
import { Harness, stopCheckingFakes, testCatalog } from '../support/harness.js';
import { PEOPLE } from '../support/people.js';
import { DAY, buttonsOf, caseOf, click, grantEditor, lastAnswer, reclaimCatalog, reclaimDms, scan, signIn, startReclaim } from '../support/reclaim-world.js';

const { priya, eve, marco, sam, sara, owen, ada } = PEOPLE;

describe('auto reclaim', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await stopCheckingFakes(h);
    h = undefined;
  });

  it('warns the inactive once, leaves everyone else alone with the reason, and files the run on Jira', async () => {
    h = await startReclaim();
    await grantEditor(h, 'priya');
    for (const who of [eve, marco, sam, sara, owen]) h.okta.addMember('00g4editor', who.oktaId);
    h.okta.setUserStatus(owen.oktaId, 'SUSPENDED');
    h.clock.advance(2 * DAY);
    signIn(h, 'priya', 0);
    h.clock.advance(38 * DAY);
    signIn(h, 'marco', 2);
    signIn(h, 'eve', 50);

    const answer = await scan(h);

    expect(answer).toContain('Scanning Figma (run #1)');
    const cases = h.store.reclaim.casesOfApp('figma');
    expect(cases.map((c) => `${c.email} ${c.status} ${c.grantId ? 'keycard' : 'outside'}`).sort()).toEqual(['eve@acme.com warned outside', 'priya@acme.com warned keycard']);
    const warning = reclaimDms(h, 'priya')[0];
    expect(warning?.text).toBe(":wave: You haven't used Figma (Editor) since Jan 8. It will be removed on Feb 22 unless you keep it.");
    expect(buttonsOf(warning)).toEqual(['Keep it', 'Remove now']);
    const issue = h.jira.issueByLabel('keycard-reclaim-1');
    expect(issue?.summary).toBe('Auto reclaim: Figma, 2 warned (run #1)');
    expect(issue?.descriptionText).toContain('Priya Shah (priya@acme.com), Editor: last sign-in Jan 8 (this app); warned 2026-02-15 14:00 UTC; removal due 2026-02-22 14:00 UTC');
    expect(h.lastDm('ada')?.text).toContain('Reclaim scan of *Figma* (run #1) done: 6 members read, 2 warned');
    expect(h.store.audit.all().filter((e) => e.action === 'reclaim.warned')).toHaveLength(2);
  });

  it('previews who would be warned and why the others are left alone, with the monthly cost freed', async () => {
    h = await startReclaim();
    await grantEditor(h, 'priya');
    for (const who of [eve, marco, sam, sara, owen]) h.okta.addMember('00g4editor', who.oktaId);
    h.okta.setUserStatus(owen.oktaId, 'SUSPENDED');
    h.clock.advance(40 * DAY);
    signIn(h, 'marco', 2);

    const ack = await h.driver.command(ada.slackId, '/access-admin', 'reclaim preview');
    await h.settle();

    expect(ack.body).toContain('Reading members and sign-ins');
    const preview = lastAnswer(h, 'ada');
    expect(preview).toContain('*Figma* (`figma`): unused for 30d: warned, then removed after 7d unless kept; a seat costs 25 a month.');
    expect(preview).toContain('• Would be warned now: 2: Eve Stone (no sign-in on record), Priya Shah (no sign-in on record)');
    expect(preview).toContain('• Left alone: 1 account suspended or deactivated (left to offboarding); 1 excluded person; 1 excluded group; 1 active');
    expect(preview).toContain('• Suspended or deactivated, left to offboarding: Owen Park (suspended)');
    expect(preview).toContain('• Monthly cost freed: 50 (2 seats × 25)');
    expect(preview).toContain('*Total monthly cost freed*: 50 (2 seats: Figma 50).');
    expect(h.store.reclaim.casesOfApp('figma')).toEqual([]);
    expect(reclaimDms(h, 'priya')).toEqual([]);
  });

  it('Keep it: asks for an optional reason, records it, restarts the clock, and the removal does not happen', async () => {
    h = await startReclaim();
    await grantEditor(h, 'priya');
    h.clock.advance(40 * DAY);
    await scan(h);
    const warning = reclaimDms(h, 'priya')[0]!;

    await click(h, 'priya', warning, RECLAIM_KEEP_ACTION);
    const form = h.slack.openViews(priya.slackId)[0]!;
    await h.driver.submitView(priya.slackId, form.id, { [RECLAIM_KEEP_REASON_BLOCK]: { [RECLAIM_KEEP_REASON_ACTION]: 'quarterly brand refresh' } });
    await h.settle();

    expect(caseOf(h, 'priya')).toMatchObject({ status: 'kept', keptReason: 'quarterly brand refresh', decidedBy: priya.slackId });
    expect(h.slack.view(form.id)?.blocks.map((b) => JSON.stringify(b)).join('')).toContain('Kept *Figma (Editor)*');
    expect(buttonsOf(h.slack.message(warning.channel, warning.ts))).toEqual([]);
    expect(h.slack.message(warning.channel, warning.ts)?.text).toContain('You kept Figma (Editor) on Feb 15');
    expect(h.jira.comments(h.jira.issueByLabel('keycard-reclaim-1')!.key).join('\n')).toContain('Priya Shah (priya@acme.com), Editor: kept by them at 2026-02-15 14:00 UTC. Reason: quarterly brand refresh');
    expect(h.jira.comments(h.jira.issueByLabel('keycard-reclaim-1')!.key).join('\n')).toContain('All 1 person of this run are settled:');

    await h.settle(8 * DAY);
    expect(h.okta.isMember('00g4editor', priya.oktaId)).toBe(true);
    // Twenty days after keeping it: not flagged again yet. Thirty-one days after: warned again, a new case.
    h.clock.advance(12 * DAY);
    await scan(h);
    expect(h.store.reclaim.casesOfApp('figma')).toHaveLength(1);
    h.clock.advance(11 * DAY);
    await scan(h);
    expect(h.store.reclaim.casesOfApp('figma').map((c) => c.status)).toEqual(['kept', 'warned']);
    expect(h.store.audit.all().filter((e) => e.action.startsWith('reclaim.')).map((e) => e.action)).toEqual(
      expect.arrayContaining(['reclaim.run_started', 'reclaim.warned', 'reclaim.scanned', 'reclaim.kept']),
    );
  });

  it('after the grace period takes the access back through the removal path, per group outside Keycard, and says so everywhere', async () => {
    h = await startReclaim();
    await grantEditor(h, 'priya');
    h.okta.addMember('00g4editor', eve.oktaId);
    h.okta.addMember('00g4shared', eve.oktaId);
    h.clock.advance(2 * DAY);
    signIn(h, 'priya', 0);
    h.clock.advance(38 * DAY);
    await scan(h);

    await h.settle(7 * DAY);
    await h.drain();

    expect(h.okta.isMember('00g4editor', priya.oktaId)).toBe(false);
    expect(h.okta.isMember('00g4shared', priya.oktaId)).toBe(false);
    expect(h.okta.isMember('00g4editor', eve.oktaId)).toBe(false);
    expect(h.okta.isMember('00g4shared', eve.oktaId)).toBe(false);
    expect(caseOf(h, 'priya')).toMatchObject({ status: 'reclaimed', result: 'removed' });
    expect(caseOf(h, 'eve')).toMatchObject({ status: 'reclaimed', removed: { '00g4editor': 'removed', '00g4shared': 'removed' } });
    const grant = h.store.grants.forRequest(1);
    expect(grant).toMatchObject({ status: 'revoked', endingNote: 'reclaimed: unused since Jan 8' });
    expect(h.jira.comments(h.store.requests.get(1)!.jiraKey!).join('\n')).toContain('Access ended (reclaimed: unused since Jan 8)');
    const result = reclaimDms(h, 'priya').at(-1);
    expect(result?.text).toBe('Figma (Editor) was removed (unused since Jan 8). Need it again? Ask for it back by Mar 8 and it is restored without approval.'.replace(/^/, ':lock: '));
    expect(buttonsOf(result)).toEqual(['Ask for it back']);
    // One DM about the end (the reclaim's, with its button), not the generic "has ended" too.
    expect(h.slack.dms(priya.slackId).filter((m) => m.text.includes('has ended'))).toEqual([]);
    const comments = h.jira.comments(h.jira.issueByLabel('keycard-reclaim-1')!.key).join('\n');
    expect(comments).toContain('Priya Shah (priya@acme.com), Editor: grace period over at 2026-02-22 14:00 UTC, still unused; removing.');
    expect(comments).toContain('All 2 people of this run are settled:');
    expect(comments).toContain('Priya Shah (priya@acme.com), Editor: last sign-in Jan 8 (this app); warning sent 2026-02-15 14:00 UTC; result: removed.');
    expect(h.store.audit.verify().ok).toBe(true);

    // The preview counts the seats taken back and what they save, by month.
    await h.driver.command(ada.slackId, '/access-admin', 'reclaim preview figma');
    await h.settle();
    expect(lastAnswer(h, 'ada')).toContain('• 2026-02: 2 seats reclaimed, saving 50 a month');
  });

  it('Remove now takes it away at once; a click by anyone else is refused and audited', async () => {
    h = await startReclaim();
    await grantEditor(h, 'priya');
    h.clock.advance(40 * DAY);
    await scan(h);
    const warning = reclaimDms(h, 'priya')[0]!;

    await click(h, 'priya', warning, RECLAIM_REMOVE_NOW_ACTION, 'eve');
    expect(lastAnswer(h, 'eve')).toContain("someone else's access");
    expect(caseOf(h, 'priya').status).toBe('warned');

    await click(h, 'priya', warning, RECLAIM_REMOVE_NOW_ACTION);
    await h.settle();

    expect(lastAnswer(h, 'priya')).toContain('Removing *Figma (Editor)* now.');
    expect(h.okta.isMember('00g4editor', priya.oktaId)).toBe(false);
    expect(caseOf(h, 'priya')).toMatchObject({ status: 'reclaimed', decidedBy: priya.slackId });
    expect(h.store.audit.all().filter((e) => e.action === 'reclaim.refused').map((e) => e.actor)).toEqual([`user:${eve.slackId}`]);
    // The grace job later finds nothing to do.
    await h.settle(8 * DAY);
    expect(caseOf(h, 'priya').status).toBe('reclaimed');
  });

  it('the schedule queues one scan per app with a policy and skips one still queued; a scan failing for good fails only its run', async () => {
    h = await startReclaim();
    await grantEditor(h, 'priya');
    h.clock.advance(40 * DAY);
    h.okta.inject({ method: 'GET', path: '/api/v1/groups/00g4editor/users', status: 500, times: Infinity });

    const first = startReclaimRuns(h.keycard.deps, { appId: null, trigger: 'schedule', by: null });
    const second = startReclaimRuns(h.keycard.deps, { appId: null, trigger: 'schedule', by: null });
    await h.drain(60_000);

    expect(first.kind === 'started' && first.runs.map((r) => r.app.id)).toEqual(['figma']);
    expect(second.kind === 'started' && second.runs).toEqual([]);
    expect(h.store.reclaim.run(1)).toMatchObject({ status: 'failed', trigger: 'schedule' });
    expect(h.slack.messages('CALERTS').map((m) => m.text).join('\n')).toContain('Reclaim scan of *Figma* (run #1) failed');
    expect(h.store.jobs.countByStatus().dead).toBe(0);
    expect(reclaimDms(h, 'priya')).toEqual([]);

    h.okta.clearFaults();
    startReclaimRuns(h.keycard.deps, { appId: null, trigger: 'schedule', by: null });
    await h.settle();
    expect(h.store.reclaim.run(2)).toMatchObject({ status: 'done', warned: 1 });
    expect(reclaimDms(h, 'priya')).toHaveLength(1);
  });

  it('tells an admin what cannot be reclaimed', async () => {
    h = await startReclaim();

    const unknown = await h.driver.command(ada.slackId, '/access-admin', 'reclaim run figmaa');
    const noPolicy = await h.driver.command(ada.slackId, '/access-admin', 'reclaim preview salesforce');
    await h.settle();
    expect(noPolicy.body).toContain('Reading members and sign-ins');
    const usage = await h.driver.command(ada.slackId, '/access-admin', 'reclaim');
    const notAdmin = await h.driver.command(priya.slackId, '/access-admin', 'reclaim run figma');

    expect(unknown.body).toContain("No app 'figmaa' in the catalog; apps with a reclaim policy: figma.");
    expect(lastAnswer(h, 'ada')).toContain('Salesforce (salesforce) has no reclaim policy: add `reclaim:` to it in the catalog');
    expect(usage.body).toContain('`/access-admin reclaim preview [app]`');
    expect(notAdmin.body).toContain('is for Keycard admins');
    expect(h.store.reclaim.unfinishedRuns('figma')).toEqual([]);
  });

  it('takes nothing back from someone who used it during the grace period, or whom the catalog excluded since', async () => {
    h = await startReclaim();
    await grantEditor(h, 'priya');
    h.okta.addMember('00g4editor', eve.oktaId);
    h.clock.advance(40 * DAY);
    await scan(h);
    h.clock.advance(3 * DAY);
    signIn(h, 'priya', 0);
    h.keycard.setCatalog(testCatalog(reclaimCatalog({ exclude: '[group:execs, user:sara@acme.com, user:eve@acme.com]' })));

    await h.settle(4 * DAY);
    await h.drain();

    expect(caseOf(h, 'priya')).toMatchObject({ status: 'cancelled', result: 'used again (signed in 4 days ago) before the removal' });
    expect(caseOf(h, 'eve')).toMatchObject({ status: 'cancelled', result: 'excluded: user:eve@acme.com since the warning' });
    expect(h.okta.isMember('00g4editor', priya.oktaId)).toBe(true);
    expect(h.okta.isMember('00g4editor', eve.oktaId)).toBe(true);
    const warning = reclaimDms(h, 'priya')[0]!;
    expect(h.slack.message(warning.channel, warning.ts)?.text).toBe(':information_source: No change to Figma (Editor): used again (signed in 4 days ago) before the removal.');
  });
});
