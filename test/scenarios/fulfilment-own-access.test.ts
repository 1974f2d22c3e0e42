/**
 * Manual fulfilment tasks are confirmed by someone other than the person whose access they are about:
 * Priya is one of Figma's fulfillers (and, in one case, a Keycard admin), yet she cannot press Done or
 * Could not do it on the task that gives her Figma or takes it away.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { blocksText } from '../fakes/block-kit.js';
import type { StoredMessage } from '../fakes/slack.js';
import { Harness, stopCheckingFakes } from '../support/harness.js';
import { PEOPLE, TEST_CATALOG, type PersonKey } from '../support/people.js';

const { priya, ada } = PEOPLE;

/** Figma on `manual`, fulfilled by Priya or Sam; Priya's manager Marco approves. */
const CATALOG = `${TEST_CATALOG}  - id: figma
    name: Figma
    description: Design files
    owner: owen@acme.com
    provider: manual
    fulfillers: [priya@acme.com, sam@acme.com]
    roles:
      - id: editor
        name: Editor
        description: Edit design files
        approval: [manager]
        durations: [24h]
`;

function tasks(h: Harness): StoredMessage[] {
  return h.slack.messages('CALERTS').filter((m) => JSON.stringify(m.blocks ?? []).includes('task_actions'));
}

async function press(h: Harness, person: PersonKey, task: StoredMessage, actionId: 'task_done' | 'task_failed'): Promise<void> {
  await h.driver.clickButton(PEOPLE[person].slackId, { actionId, blockId: 'task_actions', container: { message: { channel: task.channel, ts: task.ts } } });
  await h.settle();
}

function refusals(h: Harness) {
  return h.store.audit.all().filter((e) => e.action === 'task.refused');
}

function told(h: Harness, person: PersonKey): string[] {
  return h.slack.ephemerals(PEOPLE[person].slackId).map((e) => e.text);
}

async function requestFigma(h: Harness): Promise<void> {
  await h.driver.command(priya.slackId, '/request', 'figma editor 24h redesigning the checkout');
  await h.settle();
  await h.approve('marco');
}

describe('fulfilment tasks about your own access', () => {
  let h: Harness;
  afterEach(() => stopCheckingFakes(h));

  it('refuses the requester, a listed fulfiller, on the task that gives her the access', async () => {
    h = await Harness.start({ catalogYaml: CATALOG });
    await requestFigma(h);
    const [task] = tasks(h);
    expect(h.store.tasks.get(1)?.fulfillers).toContain(priya.slackId);

    await press(h, 'priya', task!, 'task_done');
    await press(h, 'priya', task!, 'task_failed');

    expect(h.store.requests.get(1)?.status).toBe('awaiting_fulfilment');
    expect(h.store.tasks.get(1)?.status).toBe('open');
    expect(h.store.grants.forRequest(1)).toBeUndefined();
    expect(told(h, 'priya')).toEqual([
      expect.stringContaining('This task is about giving you Figma access, so someone else must confirm it'),
      expect.stringContaining('This task is about giving you Figma access, so someone else must confirm it'),
    ]);
    expect(refusals(h)).toEqual([
      expect.objectContaining({ actor: `user:${priya.slackId}`, requestId: 1, data: { taskId: 1, kind: 'grant', outcome: 'done', reason: 'own_access' } }),
      expect.objectContaining({ actor: `user:${priya.slackId}`, requestId: 1, data: { taskId: 1, kind: 'grant', outcome: 'failed', reason: 'own_access' } }),
    ]);
    expect(blocksText(h.slack.message(task!.channel, task!.ts)?.blocks ?? [])).not.toContain('confirmed by');

    await press(h, 'sam', task!, 'task_done');

    expect(h.store.requests.get(1)?.status).toBe('active');
  });

  it('refuses her on the task that takes the access away, and the access stays on record', async () => {
    h = await Harness.start({ catalogYaml: CATALOG });
    await requestFigma(h);
    await press(h, 'sam', tasks(h)[0]!, 'task_done');
    h.clock.set('2026-01-07T14:01:00Z');
    h.keycard.schedules.runAll();
    await h.settle();
    const removal = tasks(h).at(-1)!;
    expect(blocksText(removal.blocks ?? [])).toContain('take *Figma / Editor* away from <@UPRIYA>');

    await press(h, 'priya', removal, 'task_done');

    expect(h.store.grants.forRequest(1)?.status).toBe('ending');
    expect(h.store.requests.get(1)?.status).toBe('active');
    expect(told(h, 'priya')).toEqual([expect.stringContaining('This task is about taking away your Figma access, so someone else must confirm it')]);
    expect(refusals(h)).toEqual([
      expect.objectContaining({ actor: `user:${priya.slackId}`, requestId: 1, data: { taskId: 2, kind: 'revoke', outcome: 'done', reason: 'own_access' } }),
    ]);

    await press(h, 'sam', removal, 'task_done');

    expect(h.store.grants.forRequest(1)?.status).toBe('expired');
  });

  it('refuses her even as a Keycard admin, while another admin can confirm', async () => {
    h = await Harness.start({ catalogYaml: CATALOG, env: { KEYCARD_ADMINS: `${ada.slackId},${priya.slackId}` } });
    await requestFigma(h);
    const [task] = tasks(h);

    await press(h, 'priya', task!, 'task_done');

    expect(h.store.requests.get(1)?.status).toBe('awaiting_fulfilment');
    expect(refusals(h).map((e) => e.data['reason'])).toEqual(['own_access']);

    await press(h, 'ada', task!, 'task_done');

    expect(h.store.requests.get(1)?.status).toBe('active');
    expect(h.store.grants.forRequest(1)?.userSlackId).toBe(priya.slackId);
  });
});
