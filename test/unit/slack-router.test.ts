/**
 * The Slack router (src/slack/router.ts) finds a request's one listener by id, as the Bolt registrations
 * it replaced matched them; every listener is also driven end to end by the scenario tests. Here: what
 * those cannot show (a second listener for an id, payloads nobody listens to, waiting for listeners).
 */
import { describe, expect, it } from 'vitest';
import type { AllMiddlewareArgs, AnyMiddlewareArgs } from '@slack/bolt';
import { createSlackRouter } from '../../src/slack/router.js';

type Args = AnyMiddlewareArgs & AllMiddlewareArgs;

/** Bolt's middleware arguments for one payload, as far as the router reads them; `next` counts its calls. */
function argsFor(payload: Record<string, unknown>): { args: Args; nexts: () => number } {
  let nexts = 0;
  const args = { ...payload, next: async () => void (nexts += 1) } as unknown as Args;
  return { args, nexts: () => nexts };
}

describe('the Slack router', () => {
  it('refuses a second listener for the same id at start-up, naming it', () => {
    const router = createSlackRouter();
    router.action('approval_approve', async () => undefined);
    expect(() => router.action('approval_approve', async () => undefined)).toThrow("two Slack listeners for the action 'approval_approve'");
    // The same id under another payload kind is another listener.
    expect(() => router.options('approval_approve', async () => undefined)).not.toThrow();
  });

  it('calls the one listener of a command, an action, a search, a submission and an event; anything else goes on down Bolt’s chain', async () => {
    const router = createSlackRouter();
    const seen: string[] = [];
    router.command('/request', async () => void seen.push('command'));
    router.action('pick_app', async () => void seen.push('action'));
    router.options('pick_app', async () => void seen.push('options'));
    router.view('request_form', async () => void seen.push('view'));
    router.event('app_home_opened', async () => void seen.push('event'));

    const payloads: Array<Record<string, unknown>> = [
      { command: { command: '/request' }, body: {} },
      { action: { action_id: 'pick_app' }, body: { type: 'block_actions' } },
      { body: { type: 'block_suggestion', action_id: 'pick_app' } },
      { body: { type: 'view_submission', view: { callback_id: 'request_form' } } },
      { event: { type: 'app_home_opened' }, body: {} },
    ];
    for (const payload of payloads) {
      const { args, nexts } = argsFor(payload);
      await router.middleware(args);
      expect(nexts(), JSON.stringify(payload)).toBe(0);
    }
    expect(seen).toEqual(['command', 'action', 'options', 'view', 'event']);

    const unheard: Array<Record<string, unknown>> = [
      { command: { command: '/other' }, body: {} },
      { action: { action_id: 'nobody' }, body: { type: 'block_actions' } },
      { body: { type: 'block_actions' } },
      { body: { type: 'view_closed', view: { callback_id: 'request_form' } } },
      { body: { type: 'shortcut', callback_id: 'request_form' } },
      { event: { type: 'message' }, body: {} },
    ];
    for (const payload of unheard) {
      const { args, nexts } = argsFor(payload);
      await router.middleware(args);
      expect(nexts(), JSON.stringify(payload)).toBe(1);
    }
    expect(seen).toHaveLength(5);
  });

  it('settles only when every listener started so far has finished', async () => {
    const router = createSlackRouter();
    let release: () => void = () => undefined;
    let finished = false;
    router.action('slow', async () => {
      await new Promise<void>((resolve) => (release = resolve));
      finished = true;
    });
    const running = router.middleware(argsFor({ action: { action_id: 'slow' }, body: { type: 'block_actions' } }).args);
    const settled = router.settled().then(() => finished);
    release();
    await running;
    expect(await settled).toBe(true);
  });
});
