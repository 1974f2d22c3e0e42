/**
 * Separation of duties: whoever decided an earlier stage of a request does not decide a later one. Here
 * Priya's manager Marco also owns the Data Warehouse, so a `[manager, owner]` chain names him twice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { APPROVAL_ACTIONS_BLOCK, APPROVE_ACTION, DENY_ACTION } from '../../src/slack/blocks/approval-card.js';
import { blocksText } from '../fakes/block-kit.js';
import type { StoredMessage } from '../fakes/slack.js';
import { Harness, stopCheckingFakes } from '../support/harness.js';
import { PEOPLE, type PersonKey } from '../support/people.js';

const { priya, marco, sara, ada } = PEOPLE;
const HOUR = 3_600_000;

/** `warehouse` owned by Marco, Priya's manager; each role asks the manager, then the owner. */
function catalog(role: { fallback?: string; distinctApprovers?: boolean } = {}): string {
  return `version: 1
approverGroups:
  security: [sara@acme.com, sam@acme.com]
apps:
  - id: warehouse
    name: Data Warehouse
    description: Analytics warehouse
    owner: marco@acme.com
    provider: okta
    roles:
      - id: analyst
        name: Analyst
        description: Query production data
        groups: [00g3analyst]
        approval: [manager, owner]
${role.fallback ? `        fallback: ${role.fallback}\n` : ''}${role.distinctApprovers === undefined ? '' : `        distinctApprovers: ${role.distinctApprovers}\n`}`;
}

const REASON = 'Marco Rossi decided stage 1 and may not decide stage 2 too (separation of duties)';

function cards(h: Harness, person: PersonKey): StoredMessage[] {
  return h.slack.dms(PEOPLE[person].slackId).filter((m) => JSON.stringify(m.history[0]?.blocks ?? m.blocks ?? []).includes(APPROVE_ACTION));
}

function shown(h: Harness, message: StoredMessage): string {
  return blocksText(h.slack.message(message.channel, message.ts)?.blocks);
}

async function click(h: Harness, person: PersonKey, card: StoredMessage, actionId: string, stepId?: number): Promise<void> {
  await h.driver.clickButton(PEOPLE[person].slackId, {
    actionId,
    blockId: APPROVAL_ACTIONS_BLOCK,
    container: { message: { channel: card.channel, ts: card.ts } },
    ...(stepId === undefined ? {} : { force: true, value: String(stepId) }),
  });
  await h.settle();
}

/** Priya asks, Marco approves stage 1 as her manager. */
async function managerApproved(h: Harness): Promise<void> {
  await h.driver.command(priya.slackId, '/request', 'warehouse analyst querying churn data for the Q1 review');
  await h.settle();
  await click(h, 'marco', cards(h, 'marco')[0]!, APPROVE_ACTION);
}

function comments(h: Harness): string[] {
  return h.jira.comments(h.jira.issues()[0]!.key);
}

describe('separation of duties', () => {
  let h: Harness;
  afterEach(() => stopCheckingFakes(h));

  it("sends stage 2 to the role's fallback group when the manager also owns the app, and says why", async () => {
    h = await Harness.start({ catalogYaml: catalog({ fallback: 'security' }) });

    await managerApproved(h);

    const step = h.store.requests.stepFor(1, 1)!;
    expect(step.approvers).toEqual([sara.slackId, PEOPLE.sam.slackId]);
    expect(step.escalationReason).toBe(REASON);
    expect(cards(h, 'marco')).toHaveLength(1);
    const card = cards(h, 'sara')[0]!;
    expect(shown(h, card)).toContain(`You're asked as a fallback approver: ${REASON}.`);
    expect(comments(h)).toContainEqual(`Stage "the Data Warehouse owner" went to the security approvers: ${REASON}.`);

    await click(h, 'sara', card, APPROVE_ACTION);

    expect(h.store.requests.get(1)?.status).toBe('active');
    expect(h.okta.isMember('00g3analyst', priya.oktaId)).toBe(true);
    expect(shown(h, card)).toContain(`You're asked as a fallback approver: ${REASON}.`);
  });

  it('sends stage 2 to the admins when the role has no fallback', async () => {
    h = await Harness.start({ catalogYaml: catalog() });

    await managerApproved(h);

    expect(h.store.requests.stepFor(1, 1)?.approvers).toEqual([ada.slackId]);
    expect(shown(h, cards(h, 'ada')[0]!)).toContain(`You're asked as a Keycard admin: ${REASON}.`);
    expect(comments(h)).toContainEqual(`Stage "the Data Warehouse owner" went to the Keycard admins: ${REASON}.`);
    expect(cards(h, 'marco')).toHaveLength(1);
  });

  it('lets one person decide both stages when the role says distinctApprovers: false, and says so in Jira', async () => {
    h = await Harness.start({ catalogYaml: catalog({ fallback: 'security', distinctApprovers: false }) });

    await managerApproved(h);

    expect(h.jira.issues()[0]!.descriptionText).toContain('Separation of duties: not required for this role (catalog distinctApprovers: false)');
    expect(h.store.requests.get(1)?.snapshot.distinctApprovers).toBe(false);
    const second = cards(h, 'marco')[1]!;
    expect(h.store.requests.stepFor(1, 1)).toMatchObject({ approvers: [marco.slackId], escalationReason: null });

    await click(h, 'marco', second, APPROVE_ACTION);

    expect(h.store.requests.get(1)?.status).toBe('active');
    expect(h.okta.isMember('00g3analyst', priya.oktaId)).toBe(true);
    expect(cards(h, 'sara')).toEqual([]);
  });

  it('does not mention separation of duties in Jira when it applies (the default)', async () => {
    h = await Harness.start({ catalogYaml: catalog() });

    await managerApproved(h);

    expect(h.jira.issues()[0]!.descriptionText).not.toContain('Separation of duties');
  });

  it('refuses and audits a click by the stage-1 decider on stage 2, even once they are listed on it', async () => {
    h = await Harness.start({ catalogYaml: catalog(), env: { KEYCARD_ADMINS: `${ada.slackId},${marco.slackId}` } });
    await managerApproved(h);
    const step = h.store.requests.stepFor(1, 1)!;
    expect(step.approvers).toEqual([ada.slackId]);

    // Escalation after 24h offers the stage to the admins: never to Marco, who decided stage 1.
    h.clock.advance(25 * HOUR);
    h.keycard.schedules.runAll();
    await h.settle();
    expect(h.store.audit.all().filter((e) => e.action === 'approval.escalation_skipped')).toHaveLength(1);
    expect(h.store.requests.getStep(step.id)?.approvers).toEqual([ada.slackId]);
    expect(cards(h, 'marco')).toHaveLength(1);

    // A list written otherwise (a step routed before the rule existed) must not let him decide either.
    expect(h.store.requests.setStepApprovers(step.id, [ada.slackId], [ada.slackId, marco.slackId])).toBe(true);
    const stage1Card = cards(h, 'marco')[0]!;
    await click(h, 'marco', stage1Card, APPROVE_ACTION, step.id);
    await click(h, 'marco', stage1Card, DENY_ACTION, step.id);

    expect(h.store.requests.getStep(step.id)?.status).toBe('pending');
    expect(h.store.requests.get(1)?.status).toBe('pending_approval');
    const said = h.slack.ephemerals(marco.slackId).map((e) => e.text);
    expect(said).toEqual([
      expect.stringContaining('You decided an earlier stage of this request, so you may not decide this one too (separation of duties)'),
      expect.stringContaining('You decided an earlier stage of this request, so you may not decide this one too (separation of duties)'),
    ]);
    expect(h.slack.openViews(marco.slackId)).toEqual([]);
    expect(h.store.audit.all().filter((e) => e.action === 'approval.refused')).toEqual([
      expect.objectContaining({ actor: `user:${marco.slackId}`, requestId: 1, data: expect.objectContaining({ stepId: step.id, decision: 'approve', reason: 'earlier_decider' }) }),
      expect.objectContaining({ actor: `user:${marco.slackId}`, requestId: 1, data: expect.objectContaining({ stepId: step.id, decision: 'deny', reason: 'earlier_decider' }) }),
    ]);

    await click(h, 'ada', cards(h, 'ada')[0]!, APPROVE_ACTION);

    expect(h.store.requests.get(1)?.status).toBe('active');
  });
});
