/**
 * `/access-admin revoke` and `extend` naming the person and the app (as @mention, Slack id or email)
 * beside the request id and Jira key: the one removal path and the extension rules apply as ever, on the
 * record and on Jira; several roles of one app and no role named is refused with the roles listed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, stopCheckingFakes } from '../support/harness.js';
import { PEOPLE } from '../support/people.js';

const { ada, priya, marco, owen } = PEOPLE;
const HOUR = 60 * 60_000;

async function approveLatest(h: Harness, person: 'marco' | 'owen'): Promise<void> {
  const card = h.slack.dms(PEOPLE[person].slackId).filter((m) => JSON.stringify(m.blocks ?? []).includes('approval_approve')).at(-1);
  if (!card) throw new Error(`${person} has no approval card`);
  await h.driver.clickButton(PEOPLE[person].slackId, { actionId: 'approval_approve', blockId: 'approval_actions', container: { message: { channel: card.channel, ts: card.ts } } });
  await h.settle();
}

/** Priya: Salesforce Viewer (auto, request #1) and System Admin for 6h (request #2, 14:00 → 20:00 UTC). */
async function seed(h: Harness): Promise<void> {
  await h.driver.command(priya.slackId, '/request', 'salesforce viewer');
  await h.drain();
  await h.driver.command(priya.slackId, '/request', 'salesforce admin 6h fixing the pipeline sync');
  await h.settle();
  await approveLatest(h, 'marco');
  await approveLatest(h, 'owen');
  await h.drain();
  expect(h.okta.isMember('00g1admin', priya.oktaId)).toBe(true);
}

function text(body: string): string {
  return (JSON.parse(body) as { text: string }).text;
}

describe('/access-admin revoke and extend by person', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await stopCheckingFakes(h);
    h = undefined;
  });

  it('revokes one role of a person named by mention through the one removal path, with the reason on Jira', async () => {
    h = await Harness.start();
    await seed(h);

    const answer = await h.driver.command(ada.slackId, '/access-admin', `revoke <@${priya.slackId}|priya> salesforce/admin left the project`);
    await h.drain();

    expect(text(answer.body)).toContain(`Revoking *Salesforce / System Admin* of <@${priya.slackId}> (request #2)`);
    expect(h.okta.isMember('00g1admin', priya.oktaId)).toBe(false);
    expect(h.okta.isMember('00g1audit', priya.oktaId)).toBe(false);
    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(true);
    expect(h.store.grants.forRequest(2)?.status).toBe('revoked');
    const key = h.store.requests.get(2)?.jiraKey ?? '';
    expect(h.jira.comments(key).join('\n')).toContain('Revoked by Ada Admin (ada@acme.com): left the project');
  });

  it('refuses an app where the person holds several roles and no role is named, listing them', async () => {
    h = await Harness.start();
    await seed(h);

    const answer = await h.driver.command(ada.slackId, '/access-admin', `revoke ${priya.slackId} salesforce no longer needed`);
    const none = await h.driver.command(ada.slackId, '/access-admin', `revoke <@${marco.slackId}> salesforce no longer needed`);
    const typo = await h.driver.command(ada.slackId, '/access-admin', `revoke <@${priya.slackId}> salesfroce no longer needed`);
    await h.drain();

    expect(text(answer.body)).toBe(
      `<@${priya.slackId}> holds several roles of salesforce: \`salesforce/viewer\` (request #1), \`salesforce/admin\` (request #2). Name the role, e.g. \`/access-admin revoke <@${priya.slackId}> salesforce/viewer <reason>\`.`,
    );
    expect(text(none.body)).toBe(`<@${marco.slackId}> has no access to Salesforce through Keycard.`);
    expect(text(typo.body)).toBe("No app 'salesfroce' in the catalog. Did you mean: salesforce?");
    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(true);
    expect(h.okta.isMember('00g1admin', priya.oktaId)).toBe(true);
  });

  it('names the person by email (looked up in Slack, answered after the acknowledgement) and the request by Jira key', async () => {
    h = await Harness.start();
    await seed(h);
    const viewerKey = h.store.requests.get(1)?.jiraKey ?? '';

    const byEmail = await h.driver.command(ada.slackId, '/access-admin', `revoke ${priya.email} salesforce/admin done with it`);
    await h.drain();
    const byKey = await h.driver.command(ada.slackId, '/access-admin', `revoke ${viewerKey.toLowerCase()} moved teams`);
    const unknown = await h.driver.command(ada.slackId, '/access-admin', 'revoke nobody@acme.com salesforce/admin moved teams');
    await h.drain();

    expect(byEmail.body).toBe('');
    expect(h.slack.ephemerals(ada.slackId).map((e) => e.text)).toEqual([
      `Revoking *Salesforce / System Admin* of <@${priya.slackId}> (request #2); the removal is queued.`,
      ':no_entry: No Slack user has the email nobody@acme.com; nothing was done. Name them as @mention or Slack id.',
    ]);
    expect(unknown.body).toBe('');
    expect(text(byKey.body)).toContain(`Revoking *Salesforce / Viewer* of <@${priya.slackId}> (request #1)`);
    expect(h.okta.isMember('00g1admin', priya.oktaId)).toBe(false);
    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(false);
  });

  it("extends a person's time-bound access within the role's maximum, recorded, on Jira and told to the holder", async () => {
    h = await Harness.start();
    await seed(h);
    const grant = h.store.grants.forRequest(2);
    const endsAt = grant?.endsAt ?? 0;

    const answer = await h.driver.command(ada.slackId, '/access-admin', `extend <@${priya.slackId}> salesforce/admin 3h incident INC-7 still open`);
    const beyond = await h.driver.command(ada.slackId, '/access-admin', `extend <@${priya.slackId}> salesforce/admin 7d forever please`);
    await h.drain();

    expect(text(answer.body)).toContain(`Extended the Salesforce / System Admin access of <@${priya.slackId}> (request #2) by 3h: it now ends 2026-01-06 23:00 UTC. Recorded as request #3 on ACCESS-2; <@${priya.slackId}> is told.`);
    expect(h.store.grants.forRequest(2)?.endsAt).toBe(endsAt + 3 * HOUR);
    expect(text(beyond.body)).toBe(
      `7d would go past System Admin's limit of 7d in all: <@${priya.slackId}> has had 9h by the current end (2026-01-06 23:00 UTC), so at most 159h (6d 15h) more.`,
    );
    const extension = h.store.requests.get(3);
    expect(extension).toMatchObject({ kind: 'extension', status: 'approved', requesterSlackId: priya.slackId, grantId: grant?.id, justification: 'incident INC-7 still open', durationMs: 3 * HOUR });
    const comments = h.jira.comments(h.store.requests.get(2)?.jiraKey ?? '').join('\n');
    expect(comments).toContain('Extension of 3h by Ada Admin (ada@acme.com), a Keycard admin, without approval stages (Keycard request #3). Reason: incident INC-7 still open');
    expect(comments).toContain('Access extended by 3h (approved by Ada Admin (ada@acme.com)): now ends 2026-01-06 23:00 UTC, 9h in all.');
    expect(h.lastDm('priya')?.text).toContain('Your *Salesforce / System Admin* is extended until');
    const extended = h.store.audit.all().find((e) => e.action === 'grant.extended');
    expect(extended?.actor).toBe(`user:${ada.slackId}`);
    expect(h.store.audit.verify().ok).toBe(true);
  });

  it('refuses to extend standing access, and answers bad arguments with the usage', async () => {
    h = await Harness.start();
    await seed(h);

    const standing = await h.driver.command(ada.slackId, '/access-admin', `extend <@${priya.slackId}> salesforce/viewer 1h because`);
    const bad = await h.driver.command(ada.slackId, '/access-admin', 'extend priya salesforce 1x');
    const badRevoke = await h.driver.command(ada.slackId, '/access-admin', 'revoke someone salesforce/admin why not');
    const noIssue = await h.driver.command(ada.slackId, '/access-admin', 'revoke ACCESS-99 left the project');

    expect(text(standing.body)).toBe(`The Salesforce / Viewer access of <@${priya.slackId}> is standing access: it has no end to move.`);
    const usage = text(bad.body);
    expect(usage).toContain('Usage: `/access-admin extend <@user> <app/role> <duration> <reason>`');
    expect(usage).toContain("'priya' is not a person: name a person as @mention, Slack id (U…) or email.");
    expect(usage).toContain("'salesforce' is not an app and role like salesforce/admin.");
    expect(usage).toContain("'1x' is not a duration like 30m, 6h or 2d.");
    expect(text(badRevoke.body)).toContain('Usage: `/access-admin revoke <request id|JIRA-KEY> <reason>` or `/access-admin revoke <@user> <app[/role]> <reason>`');
    expect(text(badRevoke.body)).toContain("'someone' is not a request or a person");
    expect(text(noIssue.body)).toBe('No Keycard request is filed as ACCESS-99.');
  });

  it('refuses (and audits) someone who is not an admin', async () => {
    h = await Harness.start();
    await seed(h);

    const revoke = await h.driver.command(owen.slackId, '/access-admin', `revoke <@${priya.slackId}> salesforce/admin gone`);
    const extend = await h.driver.command(priya.slackId, '/access-admin', `extend <@${priya.slackId}> salesforce/admin 3h more please`);
    await h.drain();

    for (const answer of [revoke, extend]) expect(text(answer.body)).toContain('`/access-admin` is for Keycard admins');
    expect(h.store.grants.forRequest(2)?.status).toBe('active');
    expect(h.store.audit.all().filter((e) => e.action === 'admin.refused').map((e) => [e.actor, e.data['text']])).toEqual([
      [`user:${owen.slackId}`, `revoke <@${priya.slackId}> salesforce/admin gone`],
      [`user:${priya.slackId}`, `extend <@${priya.slackId}> salesforce/admin 3h more please`],
    ]);
  });
});
