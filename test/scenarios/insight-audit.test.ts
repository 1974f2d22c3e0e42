/**
 * `/access-admin audit` through the real app: a request's whole chain in one message, every line checked
 * against the records (the request, its steps, its grant's group rows, its extension), the last sign-in asked
 * of Okta live, the same text posted as a Jira comment with `--to-jira`; a request revoked in an access
 * review; a person's access and requests, named by mention or email.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { formatDateTimeUtc } from '../../src/domain/format.js';
import { decideItems } from '../../src/workflows/review/index.js';
import type { StoredMessage } from '../fakes/slack.js';
import { csvRecords } from '../support/csv.js';
import { Harness, stopCheckingFakes } from '../support/harness.js';
import { PEOPLE, TEST_CATALOG, type PersonKey } from '../support/people.js';

const { priya, marco, owen, sara, sam, ada } = PEOPLE;
const MINUTE = 60_000;

/** Salesforce names its Okta app, so the audit asks for sign-ins to it. */
const CATALOG = TEST_CATALOG.replace('    provider: okta\n    roles:\n      - id: viewer', '    provider: okta\n    signInApp: 0oaSFDC\n    roles:\n      - id: viewer');

function at(ms: number | null | undefined): string {
  return formatDateTimeUtc(new Date(ms ?? 0));
}

async function click(h: Harness, person: PersonKey, message: StoredMessage, actionId: string, blockId: string): Promise<void> {
  await h.driver.clickButton(PEOPLE[person].slackId, { actionId, blockId, container: { message: { channel: message.channel, ts: message.ts } } });
  await h.settle();
}

async function approveLatest(h: Harness, person: PersonKey): Promise<void> {
  const card = h.slack.dms(PEOPLE[person].slackId).filter((m) => JSON.stringify(m.blocks ?? []).includes('approval_approve')).at(-1);
  if (!card) throw new Error(`${person} has no open approval card`);
  await click(h, person, card, 'approval_approve', 'approval_actions');
}

async function sweepAt(h: Harness, iso: string): Promise<void> {
  h.clock.set(iso);
  h.keycard.schedules.runAll();
  await h.settle();
}

/** The admin's `/access-admin <text>`: the acknowledgement, then the answer sent through respond(). */
async function admin(h: Harness, text: string): Promise<{ ack: string; answer: string | undefined }> {
  const before = h.slack.ephemerals(ada.slackId).length;
  const ack = await h.driver.command(ada.slackId, '/access-admin', text);
  await h.settle();
  return { ack: ack.body, answer: h.slack.ephemerals(ada.slackId).slice(before).at(-1)?.text };
}

/**
 * Priya's Salesforce / System Admin: asked 14:00, manager 14:05, owner 14:10 (granted), extended by 6h
 * (asked 19:10 from the ends-soon warning, owner 19:15), expired 02:10 the next day, rechecked 02:12.
 */
async function twoApprovalsExtendedExpired(h: Harness): Promise<void> {
  await h.driver.command(priya.slackId, '/request', 'salesforce admin 6h fixing the pipeline sync');
  await h.settle();
  h.clock.advance(5 * MINUTE);
  await approveLatest(h, 'marco');
  h.clock.advance(5 * MINUTE);
  await approveLatest(h, 'owen');
  h.okta.addLogEvent({ eventType: 'user.authentication.sso', actorId: priya.oktaId, targetId: '0oaSFDC', published: '2026-01-06T15:00:00.000Z' });

  await sweepAt(h, '2026-01-06T19:10:00Z');
  const warning = h.slack.dms(priya.slackId).filter((m) => m.text.includes(' ends at ')).at(-1)!;
  await click(h, 'priya', warning, 'grant_extend', 'grant_actions');
  const modal = h.slack.openViews(priya.slackId).at(-1)!;
  await h.driver.submitView(priya.slackId, modal.id, { extend_duration: { extend_duration_select: '6h' }, extend_reason: { extend_reason_input: 'the sync needs a second pass' } });
  await h.settle();
  h.clock.advance(5 * MINUTE);
  await approveLatest(h, 'owen');

  await sweepAt(h, '2026-01-07T02:10:00Z');
  await h.settle(2 * MINUTE);
}

describe('/access-admin audit', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await stopCheckingFakes(h);
    h = undefined;
  });

  it('tells a request with two approvals, an extension and an expiry, every line from the records, and the last sign-in from Okta', async () => {
    h = await Harness.start({ catalogYaml: CATALOG });
    await twoApprovalsExtendedExpired(h);
    const request = h.store.requests.get(1)!;
    const [manager, owner] = h.store.requests.steps(1);
    const grant = h.store.grants.forRequest(1)!;
    const [admin1, audit1] = h.store.grants.groupRows(grant.id);
    const extension = h.store.requests.get(2)!;
    const [extensionStep] = h.store.requests.steps(2);
    const key = request.jiraKey!;
    const [recheck] = h.store.audit.all().filter((e) => e.action === 'grant.removal_rechecked');
    // Finished jobs are pruned after 30 days: the recheck's proof is the audit event, which stays.
    h.store.jobs.pruneDone(new Date(h.clock.now().getTime() + 1));

    const { ack, answer } = await admin(h, `audit ${key.toLowerCase()}`);

    expect(ack).toContain(`Reading the record of ${key}`);
    expect(grant).toMatchObject({ status: 'expired', endReason: 'expired' });
    expect(answer?.split('\n')).toEqual([
      `*Request #1*: Salesforce / System Admin for <@${priya.slackId}> · <${h.jira.url}/browse/${key}|${key}> · expired`,
      `• Asked by <@${priya.slackId}> (Priya Shah, priya@acme.com, Data Engineer, Data) at ${at(request.createdAt)} for okta groups 00g1admin, 00g1audit (6h): “fixing the pipeline sync”`,
      `• Stage 1 of 2 (manager): approved by <@${marco.slackId}> at ${at(manager?.decidedAt)}`,
      `• Stage 2 of 2 (owner): approved by <@${owen.slackId}> at ${at(owner?.decidedAt)}`,
      `• Granted in okta (user ${priya.oktaId}) at ${at(grant.startsAt)}: 00g1admin added at ${at(admin1?.addedAt)}, 00g1audit added at ${at(audit1?.addedAt)}, each add confirmed by okta; was to end ${at(grant.endsAt)}`,
      `• Extension #2: asked by <@${priya.slackId}> at ${at(extension.createdAt)} for 6h more: “the sync needs a second pass”; stage 1 of 1 (owner): approved by <@${owen.slackId}> at ${at(extensionStep?.decidedAt)}; end moved from ${at(grant.startsAt + 6 * 60 * MINUTE)} to ${at(grant.endsAt)}`,
      `• Ended: expired (its end came; removed by the expiry schedule) at ${at(grant.endedAt)} after 12h (started ${at(grant.endingSince)})`,
      `• Removal confirmed by okta: 00g1admin removed at ${at(admin1?.goneAt)}, 00g1audit removed at ${at(audit1?.goneAt)}; nothing held`,
      `• Rechecked with okta at ${at(recheck?.at)}: every removed membership still gone`,
      '• Used since granted: last sign-in to Salesforce at 2026-01-06 15:00 UTC',
    ]);
    // The values above, as they are: the chain is the record, not a retelling.
    expect([at(request.createdAt), at(manager?.decidedAt), at(owner?.decidedAt), at(grant.startsAt)]).toEqual(['2026-01-06 14:00 UTC', '2026-01-06 14:05 UTC', '2026-01-06 14:10 UTC', '2026-01-06 14:10 UTC']);
    expect([at(extension.createdAt), at(extensionStep?.decidedAt), at(grant.endsAt), at(grant.endedAt)]).toEqual(['2026-01-06 19:10 UTC', '2026-01-06 19:15 UTC', '2026-01-07 02:10 UTC', '2026-01-07 02:10 UTC']);
    expect([admin1?.outcome, audit1?.outcome]).toEqual(['removed', 'removed']);
    expect(recheck).toMatchObject({ requestId: 1, actor: 'system:removal recheck', data: { stillGone: ['00g1admin', '00g1audit'] } });
    expect(at(recheck?.at)).toBe('2026-01-07 02:12 UTC');
  });

  it('answers for the extension\'s own id with the whole chain, and posts the same text to Jira with --to-jira', async () => {
    h = await Harness.start({ catalogYaml: CATALOG });
    await twoApprovalsExtendedExpired(h);
    const key = h.store.requests.get(1)!.jiraKey!;
    const shown = (await admin(h, 'audit 1')).answer ?? '';

    const viaExtension = await admin(h, 'audit #2 --to-jira');
    await h.settle();

    expect(viaExtension.answer).toContain('Request #2 is an extension of request #1; the whole chain:');
    expect(viaExtension.answer).toContain(`Posted to ${key} as a comment`);
    const comment = h.jira.comments(key).at(-1) ?? '';
    expect(comment).toContain('Keycard audit of this request, asked for by Ada Admin (ada@acme.com) at 2026-01-07 02:12 UTC:');
    expect(comment).toContain('Request #1: Salesforce / System Admin for Priya Shah (priya@acme.com)');
    expect(comment).toContain('Stage 1 of 2 (manager): approved by Marco Rossi (marco@acme.com) at 2026-01-06 14:05 UTC');
    expect(comment).toContain('“fixing the pipeline sync”');
    expect(comment).toContain(`${key} (${h.jira.url}/browse/${key})`);
    // Every bullet the admin read in Slack is in the comment, with people written out by name.
    for (const line of shown.split('\n').slice(1)) {
      const plain = line.replace(/^• /, '').replace(/<@UPRIYA>/g, 'Priya Shah (priya@acme.com)').replace(/<@UMARCO>/g, 'Marco Rossi (marco@acme.com)').replace(/<@UOWEN>/g, 'Owen Park (owen@acme.com)');
      expect(comment).toContain(plain);
    }
    expect(h.store.audit.all().filter((e) => e.action === 'insight.audit_posted')).toMatchObject([{ actor: `user:${ada.slackId}`, requestId: 1, data: { jiraKey: key } }]);
  });

  it('exports the access and its extension as two rows, the extension pointing at the access it extends', async () => {
    h = await Harness.start({ catalogYaml: CATALOG });
    await twoApprovalsExtendedExpired(h);

    await admin(h, 'export 2026-01-06');
    await h.drain();
    const pending = await h.driver.command(ada.slackId, '/access-admin', 'pending');

    const rows = csvRecords(h.slack.filesSentTo(ada.slackId)[0]?.content ?? '');
    expect(rows.map((r) => [r['request'], r['kind'], r['extends request'], r['status']])).toEqual([
      ['1', 'access', '', 'expired'],
      ['2', 'extension', '1', 'approved and applied'],
    ]);
    expect(rows[0]).toMatchObject({
      extensions: '#2 +6h applied 2026-01-06T19:15:00.000Z',
      'ends at': '2026-01-07T02:10:00.000Z',
      'ended at': '2026-01-07T02:10:00.000Z',
      'end reason': 'expired (its end came; removed by the expiry schedule)',
      'ended by': 'Keycard (expiry schedule)',
      'removal confirmed at': '2026-01-07T02:10:00.000Z',
      removal: '00g1admin removed at 2026-01-07 02:10 UTC; 00g1audit removed at 2026-01-07 02:10 UTC',
    });
    // An approved extension was applied then: it waits for nothing.
    expect(pending.body).toContain('Nothing waits');
    expect(rows[1]).toMatchObject({ justification: 'the sync needs a second pass', approvals: 'Stage 1 of 1 (owner): approved by Owen Park (owen@acme.com) at 2026-01-06 19:15 UTC', 'approved at': '2026-01-06T19:15:00.000Z', duration: '6h' });
  });

  it('tells a request revoked in an access review, with who was asked and did not decide, and the removal confirmed', async () => {
    h = await Harness.start({ catalogYaml: CATALOG });
    h.okta.setLastLogin(priya.oktaId, '2026-01-06T13:00:00.000Z');
    await h.driver.command(priya.slackId, '/request', 'github write pushing the release branch');
    await h.settle();
    h.clock.advance(10 * MINUTE);
    await approveLatest(h, 'sara');
    await admin(h, 'review start "Q1 Eng" apps=github reviewer=owner due=14d unreviewed=keep');
    await h.drain();
    const item = h.store.reviews.items(1).find((i) => i.email === priya.email)!;
    decideItems(h.keycard.deps, sara.slackId, [item.id], { decision: 'revoke', reason: 'no_longer_needed', note: null });
    await h.settle(5 * MINUTE);
    await h.drain(60_000);
    const step = h.store.requests.steps(1)[0]!;
    const grant = h.store.grants.forRequest(1)!;
    const [row] = h.store.grants.groupRows(grant.id);

    const { answer } = await admin(h, 'audit 1');

    expect(grant).toMatchObject({ status: 'revoked', endingNote: 'revoked in review Q1 Eng' });
    expect(answer?.split('\n')).toEqual([
      `*Request #1*: GitHub / Write for <@${priya.slackId}> · <${h.jira.url}/browse/ACCESS-1|ACCESS-1> · revoked`,
      `• Asked by <@${priya.slackId}> (Priya Shah, priya@acme.com, Data Engineer, Data) at ${at(h.store.requests.get(1)?.createdAt)} for okta group 00g2write (standing access): “pushing the release branch”`,
      `• Stage 1 of 1 (group:security): approved by <@${sara.slackId}> at ${at(step.decidedAt)}; also asked, did not decide: <@${sam.slackId}>`,
      `• Granted in okta (user ${priya.oktaId}) at ${at(grant.startsAt)}: 00g2write added at ${at(row?.addedAt)}, each add confirmed by okta; standing access (no end)`,
      `• Ended: revoked in review Q1 Eng (decided by <@${sara.slackId}>: no longer needed) at ${at(grant.endedAt)} after 5m (started ${at(grant.endingSince)})`,
      `• Removal confirmed by okta: 00g2write removed at ${at(row?.goneAt)}; nothing held`,
      `• Rechecked with okta at ${at(grant.endedAt! + 2 * MINUTE)}: every removed membership still gone`,
      "• Used since granted: no; last sign-in anywhere (okta tells only the last sign-in overall, not GitHub's) at 2026-01-06 13:00 UTC, before the access was granted",
    ]);
    expect(step.approvers).toEqual([sara.slackId, sam.slackId]);
    expect(grant.endedAt! - grant.startsAt).toBe(5 * MINUTE);
    expect(row?.outcome).toBe('removed');
    expect(h.okta.isMember('00g2write', priya.oktaId)).toBe(false);
  });

  it('tells a person (by mention or by email) their access now and their requests', async () => {
    h = await Harness.start({ catalogYaml: CATALOG });
    await h.driver.command(priya.slackId, '/request', 'salesforce viewer');
    await h.settle();
    await h.driver.command(priya.slackId, '/request', 'github write pushing the release branch');
    await h.settle();
    const key = h.store.requests.get(1)!.jiraKey!;

    const byMention = await admin(h, `audit <@${priya.slackId}|priya>`);
    const byEmail = await admin(h, 'audit Priya@Acme.com');
    const nobody = await admin(h, 'audit nobody@acme.com');

    expect(byMention.answer).toBe(byEmail.answer);
    expect(byMention.answer?.split('\n')).toEqual([
      `*Audit of <@${priya.slackId}>*`,
      '*Access now* (1)',
      `• #1 Salesforce / Viewer (okta 00g1viewer): since 2026-01-06 14:00 UTC, standing (no end) · <${h.jira.url}/browse/${key}|${key}>`,
      '*Last 2 requests* (of 2)',
      `• #2 2026-01-06 14:00 UTC GitHub / Write: waiting for approval · <${h.jira.url}/browse/ACCESS-2|ACCESS-2>`,
      `• #1 2026-01-06 14:00 UTC Salesforce / Viewer: active · <${h.jira.url}/browse/${key}|${key}>`,
      'The whole chain of one: `/access-admin audit <request id>`.',
    ]);
    expect(nobody.answer).toBe("Nobody with the email nobody@acme.com is in Slack or in Keycard's records.");
  });
});
