/**
 * A manual app (no SSO groups) from request to expiry: IT gets a task in the alert channel, confirms it,
 * and the grant starts and ends only when someone confirms.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { blocksText } from '../fakes/block-kit.js';
import type { StoredMessage } from '../fakes/slack.js';
import { Harness } from '../support/harness.js';
import { PEOPLE, TEST_CATALOG, figmaManualApp, type PersonKey } from '../support/people.js';

const { priya, ada, eve } = PEOPLE;

const CATALOG = `${TEST_CATALOG}${figmaManualApp('[manager]', '[24h]')}`;

function tasks(h: Harness): StoredMessage[] {
  return h.slack.messages('CALERTS').filter((m) => JSON.stringify(m.blocks ?? []).includes('task_actions') || blocksText(m.blocks ?? []).includes('Manual'));
}

async function press(h: Harness, person: PersonKey, task: StoredMessage, actionId: 'task_done' | 'task_failed', force = false): Promise<void> {
  const value = JSON.stringify(task.blocks).match(/"value":"(\d+)"/)?.[1];
  await h.driver.clickButton(PEOPLE[person].slackId, { actionId, blockId: 'task_actions', ...(force ? { value, force } : {}), container: { message: { channel: task.channel, ts: task.ts } } });
  await h.settle();
}

async function requestFigma(h: Harness): Promise<void> {
  await h.driver.command(priya.slackId, '/request', 'figma editor 24h redesigning the checkout');
  await h.settle();
  await h.approve('marco');
}

describe('manual apps', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });

  it('goes from request to fulfilment to expiry with a person confirming each change', async () => {
    h = await Harness.start({ catalogYaml: CATALOG });

    await requestFigma(h);

    expect(h.store.requests.get(1)?.status).toBe('awaiting_fulfilment');
    const [task] = tasks(h);
    expect(blocksText(task!.blocks ?? [])).toContain('give *Figma / Editor* to <@UPRIYA> (priya@acme.com) for 1d');
    expect(h.store.grants.countActive()).toBe(0);
    expect(h.lastDm('priya')?.text).toContain('set up by hand');

    await press(h, 'eve', task!, 'task_done', true);
    expect(h.store.requests.get(1)?.status).toBe('awaiting_fulfilment');

    h.clock.advance(20 * 60_000);
    await press(h, 'sam', task!, 'task_done');

    expect(h.store.requests.get(1)?.status).toBe('active');
    expect(h.store.grants.forRequest(1)?.endsAt).toBe(Date.parse('2026-01-07T14:20:00Z'));
    expect(blocksText(h.slack.message(task!.channel, task!.ts)!.blocks ?? [])).toContain('Done, confirmed by <@USAM>');
    const key = h.jira.issues()[0]!.key;
    expect(h.jira.comments(key).some((c) => c.includes('Fulfilled by hand by Sam Okafor (sam@acme.com) at 2026-01-06 14:20 UTC.'))).toBe(true);
    expect(h.lastDm('priya')?.text).toContain('You now have *Figma / Editor* until Wed 14:20 UTC');

    h.clock.set('2026-01-07T14:20:00Z');
    h.keycard.schedules.runAll();
    await h.settle();

    const removal = tasks(h).at(-1)!;
    expect(blocksText(removal.blocks ?? [])).toContain('take *Figma / Editor* away from <@UPRIYA>');
    expect(h.store.grants.forRequest(1)?.status).toBe('ending');
    expect(h.store.requests.get(1)?.status).toBe('active');

    await press(h, 'ada', removal, 'task_done');

    expect(h.store.grants.forRequest(1)?.status).toBe('expired');
    expect(h.store.requests.get(1)?.status).toBe('expired');
    expect(h.jira.comments(key).at(-1)).toContain('removed by hand by Ada Admin (ada@acme.com)');
    expect(h.store.audit.all().filter((e) => e.action === 'task.refused').map((e) => e.actor)).toEqual([`user:${eve.slackId}`]);
    expect(h.store.audit.verify().ok).toBe(true);
  });

  it('fails the request when IT cannot do it, and an admin retry opens a new task', async () => {
    h = await Harness.start({ catalogYaml: CATALOG });
    await requestFigma(h);

    await press(h, 'sam', tasks(h)[0]!, 'task_failed');

    expect(h.store.requests.get(1)?.status).toBe('failed');
    expect(h.lastDm('priya')?.text).toContain('could not set up *Figma / Editor*');

    await h.driver.command(ada.slackId, '/access-admin', 'retry 1');
    await h.settle();

    expect(h.store.requests.get(1)?.status).toBe('awaiting_fulfilment');
    expect(tasks(h)).toHaveLength(2);
    await press(h, 'sam', tasks(h)[1]!, 'task_done');
    expect(h.store.requests.get(1)?.status).toBe('active');
  });

  it('needs an alert channel when the catalog has manual apps', async () => {
    const { loadConfig, missingProviderSettings } = await import('../../src/config.js');
    const { harnessEnv, startFakes, testCatalog } = await import('../support/harness.js');
    const fakes = await startFakes();
    try {
      const env = harnessEnv(fakes, ':memory:');
      delete (env as Record<string, string | undefined>).KEYCARD_ALERT_CHANNEL;

      expect(missingProviderSettings(loadConfig(env), testCatalog(CATALOG))).toContain(
        'KEYCARD_ALERT_CHANNEL is required: the catalog has manual apps, whose fulfilment tasks are posted there',
      );
    } finally {
      await Promise.all([fakes.slack.stop(), fakes.jira.stop(), fakes.okta.stop()]);
    }
  });

  it('turns a revocation of a manual app into a removal task', async () => {
    h = await Harness.start({ catalogYaml: CATALOG });
    await requestFigma(h);
    await press(h, 'sam', tasks(h)[0]!, 'task_done');

    await h.driver.command(ada.slackId, '/access-admin', 'revoke 1 contract ended');
    await h.settle();

    const removal = tasks(h).at(-1)!;
    expect(blocksText(removal.blocks ?? [])).toContain('take *Figma / Editor* away from <@UPRIYA>');
    expect(h.store.grants.forRequest(1)?.status).toBe('ending');
    await press(h, 'sam', removal, 'task_done');
    expect(h.store.requests.get(1)?.status).toBe('revoked');
  });
});
