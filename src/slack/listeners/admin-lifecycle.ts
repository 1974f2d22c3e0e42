/**
 * `/access-admin offboard …` and `/access-admin onboard …`: leavers and joiners. The caller has already
 * admitted the admin (src/slack/listeners/admin.ts). What needs Slack and the identity providers is answered
 * after the acknowledgement (`later`), as `catalog reload` is; the rest at once (`now`).
 */
import { parsePersonArg, parseRequestArg, PERSON_ARG_RULE } from '../../domain/admin-args.js';
import type { SideEffectDeps } from '../../workflows/shared/deps.js';
import { enqueueLifecycleIssue, offboardingStatusText, onboardPerson, resolvePerson, startOffboarding } from '../../workflows/lifecycle/index.js';

export const OFFBOARD_USAGE = [
  '`/access-admin offboard <person>`: ends every access Keycard manages for them, cancels what they asked for, one Jira issue lists each removal.',
  '`/access-admin offboard <person> --suspend`: the same, and suspends their account in each identity provider.',
  '`/access-admin offboard status <person>`: each step of their offboarding and where it stands.',
  '`/access-admin offboard --from-jira <issue key>`: reads an offboarding (or onboarding) issue from Jira and acts on it.',
  `A person is an @mention, a Slack id (U…) or an email.`,
].join('\n');

export const ONBOARD_USAGE = [
  '`/access-admin onboard <person>`: files the bundles their profile matches: auto-approved roles granted as birthright, the others as requests on their behalf.',
  '`/access-admin onboard <person> <bundle>`: files that one bundle.',
  `A person is an @mention, a Slack id (U…) or an email.`,
].join('\n');

export interface LifecycleAnswer {
  /** The acknowledgement (or the whole answer). */
  readonly now: string;
  /** The answer that needs Slack or the identity providers, sent after the acknowledgement. */
  readonly later: (() => Promise<string>) | null;
}

export function isLifecycleCommand(text: string): boolean {
  return /^\s*(offboard|onboard)(\s|$)/i.test(text);
}

function at(now: string): LifecycleAnswer {
  return { now, later: null };
}

function fromJira(deps: SideEffectDeps, word: string | undefined): LifecycleAnswer {
  const arg = parseRequestArg(word ?? '');
  if (arg?.kind !== 'jira') return at('Usage: `/access-admin offboard --from-jira <issue key>`, e.g. `/access-admin offboard --from-jira ACCESS-42`.');
  deps.store.tx(() => enqueueLifecycleIssue(deps.store, arg.key, deps.clock.now()));
  return at(`:hourglass_flowing_sand: Reading ${arg.key} from Jira: an offboarding or onboarding issue is acted on as a webhook delivery would be (its reporter must be a Keycard admin); the result goes on the issue.`);
}

function offboard(deps: SideEffectDeps, userId: string, args: readonly string[]): LifecycleAnswer {
  const [first, ...rest] = args;
  if (first?.toLowerCase() === 'status') {
    const person = parsePersonArg(rest[0] ?? '');
    if (!person || rest.length > 1) return at(`Usage: \`/access-admin offboard status <person>\` (${PERSON_ARG_RULE}).`);
    const who = person.kind === 'slack' ? `<@${person.slackId}>` : person.email;
    return at(offboardingStatusText(deps, person.kind === 'slack' ? { slackId: person.slackId, email: null } : { slackId: null, email: person.email }, who));
  }
  if (first === '--from-jira') return fromJira(deps, rest[0]);
  const person = parsePersonArg(first ?? '');
  const flags = rest.map((f) => f.toLowerCase());
  const unknown = flags.filter((f) => f !== '--suspend');
  if (!person || unknown.length > 0) return at(`${unknown.length > 0 ? `Unknown option ${unknown.join(' ')}: the only option is --suspend.\n` : ''}Usage:\n${OFFBOARD_USAGE}`);
  const suspend = flags.includes('--suspend');
  const who = person.kind === 'slack' ? `<@${person.slackId}>` : person.email;
  return {
    now: `:hourglass_flowing_sand: Offboarding ${who}${suspend ? ' and suspending their accounts' : ''}: checking Slack and the identity providers first...`,
    later: async () => {
      const resolved = await resolvePerson(deps, person);
      if (!resolved.ok) return `:no_entry: Nobody was offboarded: ${resolved.why}.`;
      return (await startOffboarding(deps, { person: resolved.person, suspend, adminSlackId: userId, source: { kind: 'slack' } })).text;
    },
  };
}

function onboard(deps: SideEffectDeps, userId: string, args: readonly string[]): LifecycleAnswer {
  const [first, bundle, ...extra] = args;
  if (first === '--from-jira') return fromJira(deps, bundle);
  const person = parsePersonArg(first ?? '');
  if (!person || extra.length > 0) return at(`Usage:\n${ONBOARD_USAGE}`);
  const who = person.kind === 'slack' ? `<@${person.slackId}>` : person.email;
  return {
    now: `:hourglass_flowing_sand: Onboarding ${who}${bundle ? ` with bundle ${bundle}` : ''}: reading their profile first...`,
    later: async () => {
      const resolved = await resolvePerson(deps, person);
      if (!resolved.ok) return `:no_entry: Nothing was filed: ${resolved.why}.`;
      const result = await onboardPerson(deps, { person: resolved.person, bundleId: bundle ?? null, adminSlackId: userId, source: { kind: 'slack' } });
      if (result.kind === 'filed') return `:white_check_mark: ${result.lines.join('\n')}`;
      return result.kind === 'already' ? result.text : `:no_entry: Nothing was filed: ${result.why}.`;
    },
  };
}

/** `offboard …` and `onboard …`; the verb is the first word (see `isLifecycleCommand`). */
export function lifecycleCommand(deps: SideEffectDeps, userId: string, text: string): LifecycleAnswer {
  const [verb = '', ...args] = text.trim().split(/\s+/);
  switch (verb.toLowerCase()) {
    case 'offboard':
      return offboard(deps, userId, args);
    case 'onboard':
      return onboard(deps, userId, args);
    default:
      return at(`${OFFBOARD_USAGE}\n${ONBOARD_USAGE}`);
  }
}
