/**
 * App Home: the welcome for someone new, My access / My requests / Waiting for my approval, deciding from
 * the Home with the DM cards' own checks, the refresh after each change, paging through 500 grants within
 * Slack's 100 blocks, and the admins' status.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { GRANT_EXTEND_ACTION, GRANT_RELINQUISH_ACTION, REQUEST_CANCEL_ACTION } from '../../src/slack/blocks/action-ids.js';
import { APPROVE_ACTION, DENY_ACTION } from '../../src/slack/blocks/approval-card.js';
import {
  HOME_MAX_BLOCKS,
  HOME_MORE_ACTION,
  buildHomeView,
  homeApprovalBlockId,
  homeGrantBlockId,
  homePagerBlockId,
  homeRequestBlockId,
} from '../../src/slack/blocks/home.js';
import { HOME_PAGE_SIZE, type HomeData } from '../../src/workflows/notify/home.js';
import { blocksText, elementsOf, findElement, validateView } from '../fakes/block-kit.js';
import type { SlackView } from '../fakes/slack.js';
import { Harness } from '../support/harness.js';
import { PEOPLE, type PersonKey } from '../support/people.js';

const { priya, marco, owen, ada, eve } = PEOPLE;
const HOUR = 3_600_000;

// ------------------------------------------------------------------------------------------ helpers

async function openHome(h: Harness, person: PersonKey): Promise<SlackView> {
  const answer = await h.driver.event('app_home_opened', { user: PEOPLE[person].slackId, channel: `D${PEOPLE[person].slackId}`, tab: 'home' });
  expect(answer.status).toBe(200);
  await h.settle();
  return homeOf(h, person);
}

function homeOf(h: Harness, person: PersonKey): SlackView {
  const home = h.slack.home(PEOPLE[person].slackId);
  if (!home) throw new Error(`${person} has no Home`);
  return home;
}

function homeText(h: Harness, person: PersonKey): string {
  return blocksText(homeOf(h, person).blocks);
}

/** A click on a button in the person's Home; `force` sends it even when that Home has no such button (forged). */
async function clickHome(h: Harness, person: PersonKey, blockId: string, actionId: string, extra: { value?: string; force?: boolean } = {}): Promise<void> {
  const answer = await h.driver.clickButton(PEOPLE[person].slackId, { actionId, blockId, container: { viewId: homeOf(h, person).id }, ...extra });
  expect(answer.status).toBe(200);
  await h.settle();
}

async function requestAs(h: Harness, person: PersonKey, text: string): Promise<number> {
  await h.driver.command(PEOPLE[person].slackId, '/request', text);
  await h.settle();
  const request = h.store.requests.listByRequester(PEOPLE[person].slackId)[0];
  if (!request) throw new Error(`${person} has no request`);
  return request.id;
}

function openStepId(h: Harness, requestId: number): number {
  const request = h.store.requests.get(requestId);
  const step = request ? h.store.requests.stepFor(requestId, request.currentStage) : undefined;
  if (!step) throw new Error(`request ${requestId} has no current step`);
  return step.id;
}

function dmTexts(h: Harness, person: PersonKey): string[] {
  return h.slack.dms(PEOPLE[person].slackId).map((m) => m.text);
}

/** Grant ids in the Home's My access, in order, read from their I'm done buttons. */
function grantIdsShown(home: SlackView): number[] {
  return elementsOf(home.blocks)
    .filter((e) => e.actionId === GRANT_RELINQUISH_ACTION)
    .map((e) => Number(e.element['value']));
}

/** `count` active grants for Eve, every other one time-bound, written straight into the store. */
function giveManyGrants(h: Harness, count: number): void {
  const now = h.clock.now();
  h.store.tx(() => {
    for (let i = 0; i < count; i += 1) {
      const timeBound = i % 2 === 0;
      const request = h.store.requests.insert(
        {
          requesterSlackId: eve.slackId,
          requesterEmail: eve.email,
          requesterName: eve.name,
          appId: `app${i}`,
          roleId: 'user',
          snapshot: { appName: `App ${i}`, roleName: 'User', roleDescription: 'Uses it', provider: 'okta', groups: [`00g${i}`], owner: owen.email, approval: 'auto', maxDurationMs: null },
          durationMs: timeBound ? 6 * HOUR : null,
          justification: 'seeded for the paging test',
          status: 'active',
        },
        now,
      );
      h.store.grants.insert({
        requestId: request.id,
        userSlackId: eve.slackId,
        appId: request.appId,
        roleId: request.roleId,
        provider: 'okta',
        idpUserId: eve.oktaId,
        groups: [`00g${i}`],
        startsAt: now.getTime(),
        endsAt: timeBound ? now.getTime() + HOUR + i * 60_000 : null,
      });
    }
  });
}

// ------------------------------------------------------------------------------------------ scenarios

describe('App Home', () => {
  let h: Harness;
  afterEach(async () => {
    expect(h?.slack.rejections ?? []).toEqual([]);
    await h?.stop();
  });

  it('welcomes someone new with what Keycard is and how to ask, and ignores the Messages tab', async () => {
    h = await Harness.start();

    await h.driver.event('app_home_opened', { user: eve.slackId, channel: `D${eve.slackId}`, tab: 'messages' });
    await h.settle();
    expect(h.slack.home(eve.slackId)).toBeUndefined();
    const home = await openHome(h, 'eve');

    const text = blocksText(home.blocks);
    expect(text).toContain('Welcome to Keycard');
    expect(text).toContain('Type `/request` to ask for access.');
    expect(text).toContain('`/request help`');
    expect(text).toContain('`/request salesforce`');
    expect(text).not.toContain('Keycard status');
    expect(elementsOf(home.blocks)).toEqual([]);
  });

  it('shows the approver what waits for them and the requester the stage; Approve in the Home decides and both Homes follow', async () => {
    h = await Harness.start();
    const requestId = await requestAs(h, 'priya', 'salesforce admin 6h fixing the pipeline sync');
    await openHome(h, 'priya');
    await openHome(h, 'marco');
    const firstStep = openStepId(h, requestId);

    expect(homeText(h, 'marco')).toContain('Waiting for my approval (1)');
    expect(homeText(h, 'marco')).toContain(`<@${priya.slackId}> asks for *Salesforce / System Admin* for 6h (request #${requestId}, stage 1 of 2)`);
    expect(findElement(homeOf(h, 'marco').blocks, homeApprovalBlockId(firstStep), APPROVE_ACTION)?.element['value']).toBe(String(firstStep));
    expect(findElement(homeOf(h, 'marco').blocks, homeApprovalBlockId(firstStep), DENY_ACTION)?.element['value']).toBe(String(firstStep));
    expect(homeText(h, 'priya')).toContain(`Stage 1 of 2: your manager, waiting for <@${marco.slackId}>`);
    expect(findElement(homeOf(h, 'priya').blocks, homeRequestBlockId(requestId), REQUEST_CANCEL_ACTION)?.element['value']).toBe(String(requestId));
    expect(homeText(h, 'priya')).not.toContain('Waiting for my approval (');

    await clickHome(h, 'marco', homeApprovalBlockId(firstStep), APPROVE_ACTION);

    expect(h.store.requests.getStep(firstStep)?.status).toBe('approved');
    expect(h.store.requests.getStep(firstStep)?.decidedBy).toBe(marco.slackId);
    expect(homeText(h, 'marco')).not.toContain('asks for'); // nothing left: back to the welcome
    expect(elementsOf(homeOf(h, 'marco').blocks)).toEqual([]);
    expect(homeText(h, 'priya')).toContain(`Stage 2 of 2: the Salesforce owner, waiting for <@${owen.slackId}>`);
    expect(blocksText(h.card('marco')?.blocks)).toContain(`Approved by <@${marco.slackId}>`); // the DM card follows too
    expect(h.slack.home(owen.slackId)).toBeUndefined(); // never opened: nothing published for them

    await openHome(h, 'owen');
    await clickHome(h, 'owen', homeApprovalBlockId(openStepId(h, requestId)), APPROVE_ACTION);

    expect(h.okta.isMember('00g1admin', priya.oktaId)).toBe(true);
    expect(h.store.requests.get(requestId)?.status).toBe('active');
    const grant = h.store.grants.forRequest(requestId);
    expect(homeText(h, 'priya')).toContain('My access (1)');
    expect(homeText(h, 'priya')).toContain('Ends Tue 20:00 UTC, in 6h');
    expect(homeText(h, 'priya')).toContain('No requests waiting for approval.');
    expect(findElement(homeOf(h, 'priya').blocks, homeGrantBlockId(grant?.id ?? 0), GRANT_EXTEND_ACTION)).toBeDefined();
    expect(findElement(homeOf(h, 'priya').blocks, homeGrantBlockId(grant?.id ?? 0), GRANT_RELINQUISH_ACTION)).toBeDefined();
    expect(elementsOf(homeOf(h, 'owen').blocks)).toEqual([]);
  });

  it('refuses a forged Approve or Deny from a Home with the same checks as the DM cards, and says so in a DM', async () => {
    h = await Harness.start();
    const requestId = await requestAs(h, 'priya', 'salesforce admin 6h fixing the pipeline sync');
    const stepId = openStepId(h, requestId);
    await openHome(h, 'eve');
    await openHome(h, 'priya');

    await clickHome(h, 'eve', homeApprovalBlockId(stepId), APPROVE_ACTION, { value: String(stepId), force: true });
    await clickHome(h, 'eve', homeApprovalBlockId(stepId), DENY_ACTION, { value: String(stepId), force: true });
    await clickHome(h, 'priya', homeApprovalBlockId(stepId), APPROVE_ACTION, { value: String(stepId), force: true });

    expect(h.store.requests.getStep(stepId)?.status).toBe('pending');
    expect(h.store.requests.get(requestId)?.status).toBe('pending_approval');
    expect(h.store.audit.all().filter((e) => e.action === 'approval.refused').map((e) => e.data['reason'])).toEqual(['not_approver', 'not_approver', 'requester']);
    expect(dmTexts(h, 'eve').filter((t) => t.includes('You are not an approver of this stage'))).toHaveLength(2);
    expect(dmTexts(h, 'priya')).toContainEqual(expect.stringContaining('You cannot approve or deny your own request'));
    expect(h.slack.openViews(eve.slackId)).toEqual([]); // no deny-reason modal for someone who may not deny
  });

  it('cancels from My requests, and the request leaves the approver\'s Home too', async () => {
    h = await Harness.start();
    const requestId = await requestAs(h, 'priya', 'salesforce admin 6h fixing the pipeline sync');
    await openHome(h, 'marco');
    await openHome(h, 'priya');
    expect(homeText(h, 'marco')).toContain('asks for *Salesforce / System Admin*');

    await clickHome(h, 'priya', homeRequestBlockId(requestId), REQUEST_CANCEL_ACTION);

    expect(h.store.requests.get(requestId)?.status).toBe('cancelled');
    expect(homeText(h, 'priya')).not.toContain('Salesforce / System Admin');
    expect(homeText(h, 'marco')).not.toContain('asks for');
  });

  it('opens the Extend modal from My access', async () => {
    h = await Harness.start();
    const requestId = await requestAs(h, 'priya', 'salesforce admin 6h fixing the pipeline sync');
    for (const approver of ['marco', 'owen'] as const) {
      await openHome(h, approver);
      await clickHome(h, approver, homeApprovalBlockId(openStepId(h, requestId)), APPROVE_ACTION);
    }
    const grantId = h.store.grants.forRequest(requestId)?.id ?? 0;
    await openHome(h, 'priya');

    await clickHome(h, 'priya', homeGrantBlockId(grantId), GRANT_EXTEND_ACTION);

    expect(h.slack.openViews(priya.slackId)).toHaveLength(1);
  });

  it('renders 500 grants within 100 blocks and pages through all of them with Show more', async () => {
    h = await Harness.start();
    giveManyGrants(h, 500);

    const first = await openHome(h, 'eve');

    expect(first.blocks.length).toBeLessThanOrEqual(HOME_MAX_BLOCKS);
    expect(blocksText(first.blocks)).toContain('My access (500)');
    expect(blocksText(first.blocks)).toContain('Showing 1–10 of 500');
    expect(blocksText(first.blocks)).toContain('Ends Tue 15:00 UTC, in 1h'); // soonest first
    const seen: number[] = [];
    let extendButtons = 0;
    for (let pageNo = 1; pageNo <= 500 / HOME_PAGE_SIZE; pageNo += 1) {
      const home = homeOf(h, 'eve');
      expect(home.blocks.length).toBeLessThanOrEqual(HOME_MAX_BLOCKS);
      expect(blocksText(home.blocks)).toContain(`Showing ${(pageNo - 1) * 10 + 1}–${pageNo * 10} of 500`);
      seen.push(...grantIdsShown(home));
      extendButtons += elementsOf(home.blocks).filter((e) => e.actionId === GRANT_EXTEND_ACTION).length;
      if (pageNo === 50) expect(blocksText(home.blocks)).toContain('Standing access (no end date)');
      await clickHome(h, 'eve', homePagerBlockId('grants'), HOME_MORE_ACTION);
    }

    expect(new Set(seen).size).toBe(500);
    expect(extendButtons).toBe(250); // standing grants only offer I'm done
    expect(blocksText(homeOf(h, 'eve').blocks)).toContain('Showing 1–10 of 500'); // the last page leads back to the first
  });

  it('gives admins the pending requests, active elevated grants and failing jobs, and nobody else', async () => {
    h = await Harness.start();
    const elevated = await requestAs(h, 'priya', 'salesforce admin 6h fixing the pipeline sync');
    for (const approver of ['marco', 'owen'] as const) {
      await openHome(h, approver);
      await clickHome(h, approver, homeApprovalBlockId(openStepId(h, elevated)), APPROVE_ACTION);
    }
    await requestAs(h, 'eve', 'github write reviewing a pull request');
    const failing = h.store.jobs.enqueue({ kind: 'slack.dm', payload: { to: ada.slackId, text: 'hello' }, runAt: new Date(h.clock.now().getTime() + 24 * HOUR) }, h.clock.now());
    h.store.jobs.markDead(failing.id, 'Slack chat.postMessage failed: channel_not_found', h.clock.now());

    const text = blocksText((await openHome(h, 'ada')).blocks);

    expect(text).toContain('Keycard status');
    expect(text).toContain('*Pending requests*\n1');
    expect(text).toContain('*Active elevated grants*\n1');
    expect(text).toContain('*Failing jobs*\n:rotating_light: 1');
    expect(homeText(h, 'marco')).not.toContain('Keycard status');
  });

});

describe('App Home view', () => {
  it('stays within the block limit with every section full, for an admin', () => {
    const now = new Date('2026-01-06T14:00:00Z');
    const items = <T>(make: (i: number) => T): T[] => Array.from({ length: HOME_PAGE_SIZE }, (_, i) => make(i));
    const long = 'x'.repeat(75);
    const home: HomeData = {
      userId: ada.slackId,
      now,
      offsets: { grants: 10, requests: 0, approvals: 0 },
      grants: { items: items((i) => ({ grantId: i + 1, appName: long, roleName: long, endsAt: new Date(now.getTime() + i * HOUR) })), offset: 10, total: 1000, pageSize: HOME_PAGE_SIZE },
      requests: {
        items: items((i) => ({ requestId: i + 1, appName: long, roleName: long, extension: i % 2 === 0, jiraKey: `ACCESS-${i}`, stage: { number: 2, count: 3, who: 'the security approvers', approvers: Array.from({ length: 40 }, (_, j) => `U${j}X`) } })),
        offset: 0,
        total: 1000,
        pageSize: HOME_PAGE_SIZE,
      },
      approvals: {
        items: items((i) => ({ stepId: i + 1, requestId: i + 1, requesterSlackId: priya.slackId, appName: long, roleName: long, durationText: '6h', stageNumber: 1, stageCount: 3, justification: 'y'.repeat(500) })),
        offset: 0,
        total: 1000,
        pageSize: HOME_PAGE_SIZE,
      },
      admin: { pendingRequests: 1000, activeElevatedGrants: 1000, deadJobs: 3 },
      example: '/request salesforce',
    };

    const view = buildHomeView(home);

    expect(view.blocks.length).toBeLessThanOrEqual(HOME_MAX_BLOCKS);
    expect(validateView(view, 'home')).toEqual([]);
  });
});
