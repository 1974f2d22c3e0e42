/**
 * Keycard's Slack listeners, found by a Map lookup instead of by Bolt's listener walk.
 *
 * Bolt runs every registered listener's matchers on every incoming request, each with a copy of its
 * middleware array, a fresh arguments object per matcher and a few promises. With Keycard's eighteen
 * registrations that walk was the largest part of what Keycard added to a bare Bolt app under a burst of
 * `/request`s: about 0.1 ms of CPU and 40 kB of garbage per request (profiled with `npm run bench -- request`).
 * The listener modules register here instead, with Bolt's own argument types, and the router is one global
 * middleware that finds the listener by command name, action_id, callback_id or event type. It matches
 * what the registrations it replaces matched: a `block_actions` payload by action_id, a `block_suggestion`
 * by action_id, a `view_submission` (not `view_closed`) by callback_id. A request nobody listens to goes
 * on down Bolt's chain, to no listener, as before.
 */
import type {
  AllMiddlewareArgs,
  AnyMiddlewareArgs,
  BlockAction,
  Middleware,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlackOptionsMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';

type AnyArgs = AnyMiddlewareArgs & AllMiddlewareArgs;
type AnyListener = (args: AnyArgs) => Promise<void>;

/** Where the listener modules register; each id has exactly one listener. */
export interface ListenerRouter {
  /** A slash command, by its name (`/request`). */
  command(name: string, listener: Middleware<SlackCommandMiddlewareArgs>): void;
  /** A `block_actions` payload (button click, select choice), by the element's action_id. */
  action<A extends BlockAction = BlockAction>(actionId: string, listener: Middleware<SlackActionMiddlewareArgs<A>>): void;
  /** A `block_suggestion` payload (an external select's search), by the element's action_id. */
  options(actionId: string, listener: Middleware<SlackOptionsMiddlewareArgs<'block_suggestion'>>): void;
  /** A `view_submission` payload, by the modal's callback_id. */
  view(callbackId: string, listener: Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>>): void;
  /** An Events API event, by its type. */
  event<E extends string>(type: E, listener: Middleware<SlackEventMiddlewareArgs<E>>): void;
}

export interface SlackRouter extends ListenerRouter {
  /** The global middleware to hand `app.use`: calls the one listener of the request, if any. */
  readonly middleware: AnyListener;
  /** Resolves when every listener started so far has finished (tests wait on it). */
  settled(): Promise<void>;
}

/**
 * Bolt's listener types promise more than a lookup by id can check (`app.action<BlockAction<ButtonAction>>`
 * is the caller's word that the element is a button, in Bolt too): the promise is kept by registering each
 * listener under the ids its own Block Kit builders use.
 */
function erase<Args>(listener: Middleware<Args>): AnyListener {
  return listener as unknown as AnyListener;
}

export function createSlackRouter(): SlackRouter {
  const commands = new Map<string, AnyListener>();
  const actions = new Map<string, AnyListener>();
  const options = new Map<string, AnyListener>();
  const views = new Map<string, AnyListener>();
  const events = new Map<string, AnyListener>();
  const inflight = new Set<Promise<void>>();

  function add(kind: string, table: Map<string, AnyListener>, id: string, listener: AnyListener): void {
    // Bolt would run both; here a second listener for the same id is a mistake caught at start-up.
    if (table.has(id)) throw new Error(`two Slack listeners for the ${kind} '${id}'`);
    table.set(id, listener);
  }

  function find(args: AnyArgs): AnyListener | undefined {
    const { body } = args;
    if ('command' in args) return commands.get(args.command.command);
    if ('event' in args) return events.get(args.event.type);
    if (!('type' in body)) return undefined;
    switch (body.type) {
      case 'block_actions': {
        // Bolt's action is the first of `actions` (Slack sends one), undefined if a payload had none.
        const action: unknown = 'action' in args ? args.action : undefined;
        return typeof action === 'object' && action !== null && 'action_id' in action && typeof action.action_id === 'string' ? actions.get(action.action_id) : undefined;
      }
      case 'block_suggestion':
        return options.get(body.action_id);
      case 'view_submission':
        return views.get(body.view.callback_id);
      default:
        return undefined;
    }
  }

  return {
    command: (name, listener) => add('command', commands, name, erase(listener)),
    action: (actionId, listener) => add('action', actions, actionId, erase(listener)),
    options: (actionId, listener) => add('options', options, actionId, erase(listener)),
    view: (callbackId, listener) => add('view', views, callbackId, erase(listener)),
    event: (type, listener) => add('event', events, type, erase(listener)),
    async middleware(args) {
      const listener = find(args);
      if (listener === undefined) return args.next();
      // The arguments object is Bolt's own for this middleware; nothing follows the router in the chain,
      // so the listener may keep `next` (a listener never calls it, as under Bolt's walk).
      const run = listener(args);
      inflight.add(run);
      try {
        await run;
      } finally {
        inflight.delete(run);
      }
    },
    async settled() {
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
    },
  };
}
