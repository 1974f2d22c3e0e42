/**
 * The core loop end to end: /request in Slack → Jira issue → approvals in DMs → Okta groups → write-back → expiry.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { blocksText } from '../fakes/block-kit.js';
import { Harness } from '../support/harness.js';
import { PEOPLE } from '../support/people.js';

const { priya, marco, owen } = PEOPLE;

describe('the access loop', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });

  it('auto-approves a low-risk role, adds the Okta group and records it in Jira', async () => {
    h = await Harness.start();

    const answer = await h.driver.command(priya.slackId, '/request', 'salesforce viewer');
    await h.settle();

    expect(answer.status).toBe(200);
    expect(answer.body).toContain('Request *#1*');
    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(true);
    const [issue] = h.jira.issues();
    expect(issue?.summary).toBe('Access request: Priya Shah → Salesforce / Viewer');
    const comments = h.jira.comments(issue!.key).join('\n');
    expect(comments).toContain('auto-approved by catalog policy salesforce/viewer');
    expect(comments).toContain('Added Priya Shah (priya@acme.com) to okta group 00g1viewer at 2026-01-06 14:00 UTC (okta user id 00uPRIYA; membership confirmed)');
    expect(h.jira.status(issue!.key)).toBe('Done');
    expect(h.lastDm('priya')?.text).toContain('You now have *Salesforce / Viewer*');
    expect(h.slack.dms(marco.slackId)).toEqual([]);
    expect(h.store.audit.verify()).toEqual({ ok: true, count: expect.any(Number) });
  });

  it('runs two approval stages from the modal, grants for the chosen time, and expires it', async () => {
    h = await Harness.start();

    // The requester fills in the modal step by step, as in Slack.
    await h.driver.command(priya.slackId, '/request', '');
    await h.settle();
    const viewId = h.slack.openViews(priya.slackId)[0]!.id;
    await h.driver.selectOption(priya.slackId, { viewId, blockId: 'request_app', actionId: 'app_select', value: 'salesforce' });
    await h.settle();
    await h.driver.selectOption(priya.slackId, { viewId, blockId: 'request_role:salesforce', actionId: 'role_select', value: 'admin' });
    await h.settle();
    expect(blocksText(h.slack.view(viewId)!.blocks)).toContain('Your manager, then the Salesforce owner');
    const submitted = await h.driver.submitView(priya.slackId, viewId, {
      'request_duration:salesforce:admin': { duration_select: '6h' },
      request_justification: { justification_input: 'fixing the pipeline sync' },
    });
    await h.settle();

    expect(submitted.json).toMatchObject({ response_action: 'update' });
    const [issue] = h.jira.issues();
    expect(issue?.summary).toBe('Access request: Priya Shah → Salesforce / System Admin');
    const managerCard = h.card('marco');
    expect(managerCard).toBeDefined();
    expect(blocksText(managerCard!.blocks)).toContain('Data Engineer, Data');
    expect(blocksText(managerCard!.blocks)).toContain('fixing the pipeline sync');
    expect(h.card('owen')).toBeUndefined();

    await h.driver.clickButton(marco.slackId, { actionId: 'approval_approve', blockId: 'approval_actions', container: { message: { channel: managerCard!.channel, ts: managerCard!.ts } } });
    await h.settle();

    expect(blocksText(h.slack.message(managerCard!.channel, managerCard!.ts)!.blocks)).toContain('Approved by <@UMARCO> at 14:00 UTC');
    const ownerCard = h.card('owen');
    expect(ownerCard).toBeDefined();
    expect(h.okta.isMember('00g1admin', priya.oktaId)).toBe(false);

    h.clock.advance(2 * 60_000);
    await h.driver.clickButton(owen.slackId, { actionId: 'approval_approve', blockId: 'approval_actions', container: { message: { channel: ownerCard!.channel, ts: ownerCard!.ts } } });
    await h.settle();

    expect(h.okta.isMember('00g1admin', priya.oktaId)).toBe(true);
    expect(h.okta.isMember('00g1audit', priya.oktaId)).toBe(true);
    expect(h.lastDm('priya')?.text).toContain('You now have *Salesforce / System Admin* until Tue 20:02 UTC');
    const comments = h.jira.comments(issue!.key);
    expect(comments.some((c) => c.includes('Approved by Marco Rossi (marco@acme.com) at 14:00 UTC, stage 1 of 2 (manager)'))).toBe(true);
    expect(comments.some((c) => c.includes('Approved by Owen Park (owen@acme.com) at 14:02 UTC, stage 2 of 2 (owner)'))).toBe(true);
    expect(comments.some((c) => c.includes('to okta groups 00g1admin, 00g1audit at 2026-01-06 14:02 UTC'))).toBe(true);

    // Time passes: not yet, then due.
    h.clock.advance(6 * 60 * 60_000 - 1000);
    h.keycard.schedules.runAll();
    await h.settle();
    expect(h.okta.isMember('00g1admin', priya.oktaId)).toBe(true);

    h.clock.advance(1000);
    h.keycard.schedules.runAll();
    await h.settle();

    expect(h.okta.isMember('00g1admin', priya.oktaId)).toBe(false);
    expect(h.okta.isMember('00g1audit', priya.oktaId)).toBe(false);
    expect(h.jira.comments(issue!.key).at(-1)).toContain('Access ended (expired) at 2026-01-06 20:02 UTC after 6h');
    expect(h.lastDm('priya')?.text).toContain('Your access to *Salesforce / System Admin* has ended');
    expect(h.store.requests.get(1)?.status).toBe('expired');
    expect(h.store.audit.verify().ok).toBe(true);
  });

  it('lets an admin revoke access early, with the reason on the Jira issue', async () => {
    h = await Harness.start();
    await h.driver.command(priya.slackId, '/request', 'salesforce viewer');
    await h.settle();

    const refused = await h.driver.command(PEOPLE.eve.slackId, '/access-admin', 'revoke 1 left the team');
    const answer = await h.driver.command(PEOPLE.ada.slackId, '/access-admin', 'revoke 1 left the team');
    await h.settle();

    expect(refused.body).toContain('is for Keycard admins');
    expect(answer.body).toContain('Revoking *Salesforce / Viewer* of <@UPRIYA> (request #1)');
    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(false);
    const comments = h.jira.comments(h.jira.issues()[0]!.key);
    expect(comments.some((c) => c.includes('Revoked by Ada Admin (ada@acme.com): left the team'))).toBe(true);
    expect(comments.at(-1)).toContain('Access ended (revoked)');
    expect(h.store.requests.get(1)?.status).toBe('revoked');
  });
});
