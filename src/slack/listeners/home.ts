/**
 * App Home: rendered when someone opens Keycard's Home tab, and paged by its Show more buttons. The
 * buttons on the items (Extend, I'm done, Cancel, Approve, Deny) are the DMs' own action ids, so their
 * listeners serve both surfaces with the same checks.
 */
import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { ListenerRouter } from '../router.js';
import type { WorkflowDeps } from '../../workflows/shared/deps.js';
import { gatherHome, type HomeOffsets } from '../../workflows/notify/index.js';
import { HOME_MORE_ACTION, buildHomeView, decodeHomePage, homeOffsetsOf } from '../blocks/home.js';

/**
 * `viewers` collects who opened their Home, so later changes refresh only Homes someone looks at
 * (see `refreshHomes` in src/workflows/notify/home.ts for why it is in memory).
 */
export function registerHomeListeners(router: ListenerRouter, deps: WorkflowDeps, viewers: Set<string>): void {
  router.event('app_home_opened', async ({ event, client }) => {
    // The same event fires for the Messages tab; only the Home tab shows a view.
    if (event.tab !== 'home') return;
    viewers.add(event.user);
    await client.views.publish({ user_id: event.user, view: buildHomeView(gatherHome(deps, event.user)) });
  });

  router.action<BlockAction<ButtonAction>>(HOME_MORE_ACTION, async ({ ack, body, action, client }) => {
    await ack();
    const target = decodeHomePage(action.value);
    if (!target) return;
    // Only the clicker's own Home is read, so a forged value can at most page through their own items.
    const offsets: Partial<HomeOffsets> = { ...homeOffsetsOf(body.view?.private_metadata), [target.section]: target.offset };
    viewers.add(body.user.id);
    await client.views.publish({ user_id: body.user.id, view: buildHomeView(gatherHome(deps, body.user.id, offsets)) });
  });
}
