/**
 * Tells the person who clicked something what happened: an ephemeral answer where the click came from a
 * message (it has a response_url), else a DM (App Home and modals have no response_url).
 */
import type { BlockAction, RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';

export async function tellUser(ctx: { body: BlockAction; client: WebClient; respond: RespondFn }, text: string): Promise<void> {
  if (ctx.body.response_url) {
    await ctx.respond({ response_type: 'ephemeral', replace_original: false, text });
    return;
  }
  await ctx.client.chat.postMessage({ channel: ctx.body.user.id, text });
}
