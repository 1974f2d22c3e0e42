/**
 * Auto reclaim end to end through the real app, the real Okta client and the stateful fakes: a scan reads
 * Figma's members and sign-ins and warns the inactive by DM (Keep it, Remove now); after the grace period the
 * access goes through the job queue and the one removal path (or is downgraded); Ask for it back restores it
 * without approval within the window, and through a normal request after it. Every step on record.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RECLAIM_ASK_BACK_ACTION, RECLAIM_KEEP_ACTION, RECLAIM_KEEP_REASON_ACTION, RECLAIM_KEEP_REASON_BLOCK, RECLAIM_REMOVE_NOW_ACTION } from '../../src/slack/blocks/reclaim.js';
import { Harness, stopCheckingFakes } from '../support/harness.js';
import { PEOPLE } from '../support/people.js';
import { DAY, buttonsOf, caseOf, click, grantEditor, lastAnswer, reclaimDms, scan, signIn, startReclaim } from '../support/reclaim-world.js';

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
});
