/**
 * A second request for access the person already asked for: answered with the first one (its Jira link
 * and its Cancel button), never filed, from the one-line command, the modal and two commands at once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { REQUEST_CANCEL_ACTION } from '../../src/slack/blocks/action-ids.js';
import { REQUEST_RECEIPT_ACTIONS_BLOCK } from '../../src/slack/blocks/request-receipt.js';
import { blocksText, findElement, isObject } from '../fakes/block-kit.js';
import { Harness, stopCheckingFakes } from '../support/harness.js';
import { PEOPLE, TEST_CATALOG, figmaManualApp } from '../support/people.js';

const { priya, marco } = PEOPLE;
const ADMIN_LINE = 'salesforce admin 6h fixing the pipeline sync';

function blocksOf(json: unknown): unknown {
  return isObject(json) ? json['blocks'] : undefined;
}

function cancelValue(blocks: unknown): unknown {
  return findElement(blocks, REQUEST_RECEIPT_ACTIONS_BLOCK, REQUEST_CANCEL_ACTION)?.element['value'];
}

describe('duplicate requests', () => {
  let h: Harness;
  afterEach(() => stopCheckingFakes(h));

  it('answers a second one-line request with the waiting one, its Jira link and its Cancel button', async () => {
    h = await Harness.start();
    await h.driver.command(priya.slackId, '/request', ADMIN_LINE);
    await h.settle();
    const [issue] = h.jira.issues();

    const again = await h.driver.command(priya.slackId, '/request', 'salesforce admin 1h one more sync run');
    await h.settle();

    const text = blocksText(blocksOf(again.json));
    expect(text).toContain('You already asked for *Salesforce / System Admin*: request #1');
    expect(text).toContain(`|${issue!.key}>) is waiting for approval. Nothing new was filed.`);
    expect(cancelValue(blocksOf(again.json))).toBe('1');
    expect(h.store.requests.listByRequester(priya.slackId)).toHaveLength(1);
    expect(h.jira.issues()).toHaveLength(1);
    expect(h.slack.dms(marco.slackId).filter((m) => JSON.stringify(m.blocks ?? []).includes('approval_approve'))).toHaveLength(1);
    expect(h.slack.rejections).toEqual([]);
  });

  it('answers while the first is being fulfilled by hand too, without a Cancel it could not honour', async () => {
    h = await Harness.start({ catalogYaml: `${TEST_CATALOG}${figmaManualApp('[manager]', '[24h]')}` });
    await h.driver.command(priya.slackId, '/request', 'figma editor 24h redesigning the checkout');
    await h.settle();
    await h.approve('marco');
    expect(h.store.requests.get(1)?.status).toBe('awaiting_fulfilment');

    const again = await h.driver.command(priya.slackId, '/request', 'figma editor 24h redesigning the checkout');
    await h.settle();

    expect(blocksText(blocksOf(again.json))).toContain('request #1 (');
    expect(blocksText(blocksOf(again.json))).toContain('is waiting for IT to grant it. Nothing new was filed.');
    expect(cancelValue(blocksOf(again.json))).toBeUndefined();
    expect(h.store.requests.listByRequester(priya.slackId)).toHaveLength(1);
  });

  it('answers a modal submission with the waiting one, and its Cancel withdraws it', async () => {
    h = await Harness.start();
    await h.driver.command(priya.slackId, '/request', ADMIN_LINE);
    await h.settle();
    await h.driver.command(priya.slackId, '/request', 'salesforce admin');
    await h.settle();
    const viewId = h.slack.openViews(priya.slackId).at(-1)!.id;

    const submitted = await h.driver.submitView(priya.slackId, viewId, {
      'request_duration:salesforce:admin': { duration_select: '6h' },
      request_justification: { justification_input: 'another sync run please' },
    });
    await h.settle();

    expect(submitted.json).toMatchObject({ response_action: 'update', view: { callback_id: 'request_already_pending' } });
    const view = h.slack.view(viewId)!;
    expect(blocksText(view.blocks)).toContain('request #1 (');
    expect(cancelValue(view.blocks)).toBe('1');
    expect(h.store.requests.listByRequester(priya.slackId)).toHaveLength(1);

    await h.driver.clickButton(priya.slackId, { actionId: REQUEST_CANCEL_ACTION, blockId: REQUEST_RECEIPT_ACTIONS_BLOCK, container: { viewId } });
    await h.settle();

    expect(h.store.requests.get(1)?.status).toBe('cancelled');
    expect(h.slack.rejections).toEqual([]);
  });

  it('files exactly one of two identical commands sent at the same moment', async () => {
    h = await Harness.start();

    const answers = await Promise.all([
      h.driver.command(priya.slackId, '/request', ADMIN_LINE),
      h.driver.command(priya.slackId, '/request', ADMIN_LINE),
    ]);
    await h.settle();

    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    const said = answers.map((a) => a.body);
    expect(said.filter((b) => b.includes('Request *#1* for *Salesforce / System Admin* for 6h is in'))).toHaveLength(1);
    expect(said.filter((b) => b.includes('You already asked for *Salesforce / System Admin*: request #1'))).toHaveLength(1);
    expect(h.store.requests.listByRequester(priya.slackId)).toHaveLength(1);
    expect(h.jira.issues()).toHaveLength(1);
    expect(h.store.audit.all().filter((e) => e.action === 'request.submitted' || e.toStatus === 'submitted')).toHaveLength(1);
  });
});
