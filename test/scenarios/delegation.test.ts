/**
 * `/access-admin delegate`: an approver away hands their stages to someone else until a date. Routing
 * sends the delegate the card, marked "for @approver, who is away", and Jira says so; stages already
 * waiting are handed over; separation of duties still holds (never their own request, never two stages of
 * one request, a decision for someone counting as theirs too); on its date the delegation ends on its own
 * and what still waits goes back to the approver.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { blocksText } from '../fakes/block-kit.js';
import type { StoredMessage } from '../fakes/slack.js';
import { Harness, stopCheckingFakes } from '../support/harness.js';
import { PEOPLE, TEST_CATALOG, type PersonKey } from '../support/people.js';

const { ada, priya, marco, owen, sam } = PEOPLE;

/** Vault's second stage names Marco himself: a decision made for him at stage 1 must count as his. */
const CATALOG = `${TEST_CATALOG}  - id: vault
    name: Vault
    description: Secrets
    owner: owen@acme.com
    provider: okta
    roles:
      - id: operator
        name: Operator
        description: Operate the vault
        groups: [00g3analyst]
        approval: [manager, user:marco@acme.com]
      - id: auditor
        name: Auditor
        description: Read the audit trail
        groups: [00g1audit]
        approval: [user:owen@acme.com]
`;

function cards(h: Harness, person: PersonKey): StoredMessage[] {
  return h.slack.dms(PEOPLE[person].slackId).filter((m) => JSON.stringify(m.history[0]?.blocks ?? m.blocks ?? []).includes('approval_approve'));
}

function cardText(message: StoredMessage | undefined): string {
  return message ? blocksText(message.blocks ?? []) : '';
}

function hasButtons(message: StoredMessage | undefined): boolean {
  return JSON.stringify(message?.blocks ?? []).includes('approval_approve');
}

/** Approve on the card; `stepId` forges a click on a card whose buttons are gone (a stale client). */
async function click(h: Harness, person: PersonKey, card: StoredMessage | undefined, stepId?: number): Promise<void> {
  if (!card) throw new Error(`${person} has no card`);
  const stale = stepId === undefined ? {} : { value: String(stepId), force: true };
  await h.driver.clickButton(PEOPLE[person].slackId, { actionId: 'approval_approve', blockId: 'approval_actions', container: { message: { channel: card.channel, ts: card.ts } }, ...stale });
  await h.settle();
}

/** `/access-admin delegate …`, answered after the acknowledgement (Slack is asked who the people are). */
async function delegate(h: Harness, args: string): Promise<string> {
  const before = h.slack.ephemerals(ada.slackId).length;
  const ack = await h.driver.command(ada.slackId, '/access-admin', `delegate ${args}`);
  await h.settle();
  return h.slack.ephemerals(ada.slackId)[before]?.text ?? (JSON.parse(ack.body || '{"text":""}') as { text: string }).text;
}

function jira(h: Harness, requestId: number): string {
  return h.jira.comments(h.store.requests.get(requestId)?.jiraKey ?? '').join('\n');
}

describe('/access-admin delegate', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await stopCheckingFakes(h);
    h = undefined;
  });

  it("sends the away approver's stage to the delegate, marked on the card and in Jira, and records the decision as for them", async () => {
    h = await Harness.start({ catalogYaml: CATALOG });

    const answer = await delegate(h, `<@${marco.slackId}|marco> <@${sam.slackId}|sam> until 2026-01-08`);
    await h.driver.command(priya.slackId, '/request', 'salesforce admin 6h fixing the pipeline sync');
    await h.drain();
    const samCard = cards(h, 'sam')[0];
    await click(h, 'sam', samCard);
    await h.drain();

    expect(answer).toBe(`:palm_tree: Until 2026-01-08 23:59 UTC, <@${marco.slackId}>'s approval stages go to <@${sam.slackId}> (delegation #1); both are told.`);
    expect(h.slack.dms(sam.slackId)[0]?.text).toContain(`<@${ada.slackId}> asked you to decide <@${marco.slackId}>'s access approvals while they are away, until 2026-01-08 23:59 UTC`);
    expect(h.slack.dms(marco.slackId)[0]?.text).toContain(`your access approvals go to <@${sam.slackId}>`);
    expect(cards(h, 'marco')).toEqual([]);
    expect(samCard?.history[0] ? blocksText(samCard.history[0].blocks ?? []) : '').toContain(`You're asked for <@${marco.slackId}>, who is away until 2026-01-08 23:59 UTC.`);
    expect(cardText(cards(h, 'sam')[0])).toContain(`Approved by <@${sam.slackId}> for <@${marco.slackId}>`);
    const comments = jira(h, 1);
    expect(comments).toContain('Stage "your manager": Marco Rossi (marco@acme.com) is away until 2026-01-08 23:59 UTC, so Sam Okafor (sam@acme.com) is asked for them (delegation).');
    expect(comments).toContain('Approved by Sam Okafor (sam@acme.com) for Marco Rossi (marco@acme.com), who is away, at 14:00 UTC, stage 1 of 2 (manager).');
    // Stage 2 goes to the owner as usual, and the access is granted once he approves.
    await click(h, 'owen', cards(h, 'owen')[0]);
    await h.drain();
    expect(h.okta.isMember('00g1admin', priya.oktaId)).toBe(true);
    const approved = h.store.audit.all().filter((e) => e.action === 'approval.approved').map((e) => [e.actor, e.data['for'] ?? null]);
    expect(approved).toEqual([
      [`user:${sam.slackId}`, marco.slackId],
      [`user:${owen.slackId}`, null],
    ]);
    expect(h.store.audit.all().some((e) => e.action === 'approval.delegated' && e.data['delegate'] === sam.slackId)).toBe(true);
  });

  it('keeps separation of duties: never the delegate\'s own request, never two stages of one request', async () => {
    h = await Harness.start({ catalogYaml: CATALOG });

    // Marco away with Priya deciding for him: Priya's own request stays with Marco.
    await delegate(h, `<@${marco.slackId}> <@${priya.slackId}> until 2026-01-08`);
    await h.driver.command(priya.slackId, '/request', 'salesforce admin 6h fixing the pipeline sync');
    await h.drain();

    expect(cards(h, 'priya')).toEqual([]);
    expect(cards(h, 'marco')).toHaveLength(1);
    expect(jira(h, 1)).toContain('Marco Rossi (marco@acme.com) is away, but their delegate Priya Shah (priya@acme.com) may not decide this request (it is their own request), so Marco Rossi (marco@acme.com) stays asked.');

    // Owen (stage 2) away with Marco deciding for him: Marco decided stage 1, so Owen stays asked for stage 2.
    await delegate(h, `end <@${marco.slackId}>`);
    await delegate(h, `<@${owen.slackId}> <@${marco.slackId}> until 2026-01-08`);
    await click(h, 'marco', cards(h, 'marco')[0]);
    await h.drain();

    expect(h.store.requests.stepFor(1, 1)?.approvers).toEqual([owen.slackId]);
    expect(cards(h, 'marco')).toHaveLength(1);
    expect(jira(h, 1)).toContain('Owen Park (owen@acme.com) is away, but their delegate Marco Rossi (marco@acme.com) may not decide this request (they decided an earlier stage of it (separation of duties)), so Owen Park (owen@acme.com) stays asked.');
  });

  it('counts a decision a delegate made for someone as theirs: that person does not decide a later stage', async () => {
    h = await Harness.start({ catalogYaml: CATALOG });
    await delegate(h, `<@${marco.slackId}> <@${sam.slackId}> until 2026-01-08`);
    await h.driver.command(priya.slackId, '/request', 'vault operator keys rotation');
    await h.drain();

    await click(h, 'sam', cards(h, 'sam')[0]);
    await h.drain();

    // Stage 2 names Marco, for whom Sam decided stage 1, and Sam decided it: neither is asked, the admins are.
    const stage2 = h.store.requests.stepFor(1, 1);
    expect(stage2?.approvers).toEqual([ada.slackId]);
    expect(stage2?.escalationReason).toContain('decided stage 1');
    expect(cards(h, 'marco')).toEqual([]);
  });

  it('keeps naming a person\'s own stage after them when their delegate decides it', async () => {
    h = await Harness.start({ catalogYaml: CATALOG });
    await delegate(h, `<@${owen.slackId}> <@${sam.slackId}> until 2026-01-08`);
    await h.driver.command(priya.slackId, '/request', 'vault auditor quarterly audit');
    await h.drain();

    const card = cards(h, 'sam')[0];
    await click(h, 'sam', card);
    await h.drain();

    expect(cardText(card)).toContain(`Stage 1 of 1: <@${owen.slackId}>`);
    expect(cardText(card)).toContain(`You're asked for <@${owen.slackId}>, who is away`);
    expect(jira(h, 1)).toContain('Approved by Sam Okafor (sam@acme.com) for Owen Park (owen@acme.com), who is away, at 14:00 UTC, stage 1 of 1 (Owen Park (owen@acme.com)).');
    expect(h.okta.isMember('00g1audit', priya.oktaId)).toBe(true);
  });

  it('hands over a stage already waiting, and gives it back on its own when the delegation reaches its date', async () => {
    h = await Harness.start({ catalogYaml: CATALOG });
    await h.driver.command(priya.slackId, '/request', 'salesforce admin 6h fixing the pipeline sync');
    await h.drain();
    const marcoCard = cards(h, 'marco')[0];
    expect(hasButtons(marcoCard)).toBe(true);

    const answer = await delegate(h, `${marco.email} <@${sam.slackId}> until 2026-01-06T16:00`);
    await h.drain();

    expect(answer).toContain('1 approval waiting for <@UMARCO> went to <@USAM> now.');
    expect(h.store.requests.stepFor(1, 0)?.approvers).toEqual([sam.slackId]);
    expect(cardText(h.slack.message(marcoCard!.channel, marcoCard!.ts))).toContain(`This stage was handed to <@${sam.slackId}> while you are away.`);
    expect(hasButtons(h.slack.message(marcoCard!.channel, marcoCard!.ts))).toBe(false);
    expect(hasButtons(cards(h, 'sam')[0])).toBe(true);
    expect(jira(h, 1)).toContain('Stage 1 of 2 (manager) handed from Marco Rossi (marco@acme.com), who is away until 2026-01-06 16:00 UTC, to Sam Okafor (sam@acme.com) (delegation).');

    // 16:00 passes; the approvals schedule ends the delegation.
    h.clock.set(new Date('2026-01-06T16:00:30Z'));
    h.keycard.schedules.runAll();
    await h.drain();

    expect(h.store.delegations.get(1)).toMatchObject({ endReason: 'expired', endedBy: 'system' });
    expect(h.store.requests.stepFor(1, 0)?.approvers).toEqual([marco.slackId]);
    const samCard = cards(h, 'sam')[0];
    expect(cardText(h.slack.message(samCard!.channel, samCard!.ts))).toContain(`Your delegation for <@${marco.slackId}> ended: they decide this stage again.`);
    expect(hasButtons(h.slack.message(marcoCard!.channel, marcoCard!.ts))).toBe(true);
    expect(h.lastDm('sam')?.text).toContain(`You no longer decide <@${marco.slackId}>'s approvals (the delegation reached its date); 1 still waiting went back to them.`);
    expect(jira(h, 1)).toContain('Stage 1 of 2 (manager) goes back to Marco Rossi (marco@acme.com): the delegation to Sam Okafor (sam@acme.com) ended.');

    // Sam's late click is refused; Marco decides.
    await click(h, 'sam', samCard, h.store.requests.stepFor(1, 0)?.id);
    await click(h, 'marco', h.slack.message(marcoCard!.channel, marcoCard!.ts));
    expect(h.store.requests.stepFor(1, 0)).toMatchObject({ status: 'approved', decidedBy: marco.slackId });
    expect(h.store.audit.all().filter((e) => e.action === 'approval.refused').map((e) => [e.actor, e.data['reason']])).toEqual([[`user:${sam.slackId}`, 'not_approver']]);
    expect(h.store.audit.all().map((e) => e.action)).toEqual(expect.arrayContaining(['delegation.started', 'approval.delegated', 'delegation.ended', 'approval.delegation_returned']));
    expect(h.store.audit.verify().ok).toBe(true);
  });

  it('offers an escalated stage to the delegate of an away fallback approver', async () => {
    h = await Harness.start({ catalogYaml: CATALOG });
    await delegate(h, `<@${ada.slackId}> <@${sam.slackId}> until 2026-01-10`);
    await h.driver.command(priya.slackId, '/request', 'salesforce admin 6h fixing the pipeline sync');
    await h.drain();

    // Nobody decides for 24h: the stage is offered to the admins, and Ada (the only one) is away.
    h.clock.set(new Date('2026-01-07T14:01:00Z'));
    h.keycard.schedules.runAll();
    await h.drain();

    expect(h.store.requests.stepFor(1, 0)?.approvers).toEqual([marco.slackId, sam.slackId]);
    expect(cards(h, 'ada')).toEqual([]);
    expect(cardText(cards(h, 'sam')[0])).toContain(`You're asked for <@${ada.slackId}>, who is away until 2026-01-10 23:59 UTC.`);
    expect(jira(h, 1)).toContain('offered to the Keycard admins as well (Sam Okafor (sam@acme.com))');
    await click(h, 'sam', cards(h, 'sam')[0]);
    expect(h.store.requests.stepFor(1, 0)).toMatchObject({ status: 'approved', decidedBy: sam.slackId });
    expect(jira(h, 1)).toContain('Approved by Sam Okafor (sam@acme.com) for Ada Admin (ada@acme.com), who is away');
  });

  it('lists and ends delegations, refuses bad ones, and answers bad arguments with the usage', async () => {
    h = await Harness.start({ catalogYaml: CATALOG });

    const empty = await delegate(h, 'list');
    await delegate(h, `<@${marco.slackId}> <@${sam.slackId}> until 2026-01-08`);
    const listed = await delegate(h, 'list');
    const twice = await delegate(h, `<@${marco.slackId}> <@${owen.slackId}> until 2026-01-09`);
    const toAway = await delegate(h, `<@${owen.slackId}> <@${marco.slackId}> until 2026-01-09`);
    const self = await delegate(h, `<@${owen.slackId}> <@${owen.slackId}> until 2026-01-09`);
    const ghost = await delegate(h, `<@${owen.slackId}> <@UNOBODY> until 2026-01-09`);
    const ended = await delegate(h, `end <@${marco.slackId}>`);
    const notAway = await delegate(h, `end <@${marco.slackId}>`);
    const past = await delegate(h, `<@${owen.slackId}> <@${sam.slackId}> until 2026-01-01`);
    const far = await delegate(h, `<@${owen.slackId}> <@${sam.slackId}> until 2026-06-01`);
    const bad = await delegate(h, `<@${owen.slackId}> sam tomorrow`);

    expect(empty).toBe('No delegation is in force: every approver decides their own stages.');
    expect(listed).toContain(`• <@${marco.slackId}> → <@${sam.slackId}> until 2026-01-08 23:59 UTC (delegation #1, set by <@${ada.slackId}>)`);
    expect(twice).toContain(`already go to <@${sam.slackId}> until 2026-01-08 23:59 UTC (delegation #1). End it first with \`/access-admin delegate end <@${marco.slackId}>\``);
    expect(toAway).toContain(`<@${marco.slackId}> is away themselves until 2026-01-08 23:59 UTC`);
    expect(self).toContain('An approver cannot delegate to themselves');
    expect(ghost).toContain('Slack has no user <@UNOBODY>; nothing was changed');
    expect(ended).toBe(`Ended delegation #1: <@${marco.slackId}> decides their approval stages again; <@${sam.slackId}> is told.`);
    expect(notAway).toBe(`<@${marco.slackId}> has no delegation in force: their approvals already come to them.`);
    expect(past).toContain("Date: '2026-01-01' has passed");
    expect(far).toContain("Date: '2026-06-01' is more than 90 days ahead");
    expect(bad).toContain('Usage: `/access-admin delegate <@approver> <@delegate> until <date>`');
    expect(bad).toContain("'sam' is not a person");
    expect(h.store.delegations.active(h.clock.now().getTime())).toEqual([]);
    expect(h.store.delegations.get(1)).toMatchObject({ endReason: 'ended', endedBy: ada.slackId });
  });

  it('refuses (and audits) someone who is not an admin', async () => {
    h = await Harness.start({ catalogYaml: CATALOG });

    const refused = await h.driver.command(marco.slackId, '/access-admin', `delegate <@${marco.slackId}> <@${sam.slackId}> until 2026-01-08`);
    await h.settle();

    expect(refused.body).toContain('`/access-admin` is for Keycard admins');
    expect(h.store.delegations.active(h.clock.now().getTime())).toEqual([]);
    expect(h.store.audit.all().filter((e) => e.action === 'admin.refused').map((e) => [e.actor, e.data['text']])).toEqual([[`user:${marco.slackId}`, `delegate <@${marco.slackId}> <@${sam.slackId}> until 2026-01-08`]]);
  });
});
