/**
 * `/access-admin delegate …`: an approver away hands their approval stages to someone else until a date
 * (`delegate <approver> <delegate> until <date>`), `delegate list`, `delegate end <approver>`. The caller has
 * already admitted the admin (src/slack/listeners/admin.ts).
 */
import { parsePersonArg, PERSON_ARG_RULE, type PersonArg } from '../../domain/admin-args.js';
import { parseDelegateUntil } from '../../domain/delegation.js';
import { formatDateTimeUtc } from '../../domain/format.js';
import { activeDelegations, endDelegation, startDelegation } from '../../workflows/approval/index.js';
import type { WorkflowDeps } from '../../workflows/shared/deps.js';
import { withPeople, type SteerAnswer, type SteerTools } from './admin-people.js';

export const DELEGATE_USAGE = [
  'Usage: `/access-admin delegate <@approver> <@delegate> until <date>`: while the approver is away, their approval stages go to the delegate until 23:59 UTC that day (or `2026-01-16T12:00`, UTC), e.g. `/access-admin delegate @marco @sam until 2026-01-16`.',
  '`/access-admin delegate list`: the delegations in force.',
  '`/access-admin delegate end <@approver>`: their stages come back to them now.',
].join('\n');

function who(person: PersonArg): string {
  return person.kind === 'email' ? person.email : `<@${person.slackId}>`;
}

function listText(deps: WorkflowDeps): string {
  const all = activeDelegations(deps);
  if (all.length === 0) return 'No delegation is in force: every approver decides their own stages.';
  return [
    `*Delegations in force* (${all.length})`,
    ...all.slice(0, 50).map((d) => `• <@${d.approverSlackId}> → <@${d.delegateSlackId}> until ${formatDateTimeUtc(new Date(d.endsAt))} (delegation #${d.id}, set by <@${d.createdBy}>)`),
    ...(all.length > 50 ? [`… and ${all.length - 50} more`] : []),
  ].join('\n');
}

/** A delegation starts only between people Slack knows: each is looked up (an email) or checked (an id). */
function startCommand(deps: WorkflowDeps, userId: string, approver: PersonArg, delegate: PersonArg, endsAt: Date, tools: SteerTools): SteerAnswer {
  return {
    ack: null,
    later: async () => {
      const ids: string[] = [];
      for (const person of [approver, delegate]) {
        try {
          const id = person.kind === 'slack' ? ((await tools.directory.profile(person.slackId)) ? person.slackId : null) : await tools.directory.userIdByEmail(person.email);
          if (!id) return `:no_entry: Slack has no user ${who(person)}; nothing was changed (${PERSON_ARG_RULE}).`;
          ids.push(id);
        } catch (error) {
          return `:warning: Could not look ${who(person)} up in Slack (${error instanceof Error ? error.message : String(error)}); nothing was changed. Try again.`;
        }
      }
      const result = startDelegation(deps, userId, { approver: ids[0] ?? '', delegate: ids[1] ?? '', endsAt });
      return result.kind === 'done' ? result.text : `:no_entry: ${result.message}`;
    },
  };
}

export function delegateCommand(deps: WorkflowDeps, userId: string, args: readonly string[], tools: SteerTools): SteerAnswer {
  const [first = '', ...rest] = args;
  switch (first.toLowerCase()) {
    case 'list':
      return { text: rest.length === 0 ? listText(deps) : DELEGATE_USAGE };
    case 'end': {
      const person = parsePersonArg(rest[0] ?? '');
      if (!person || rest.length !== 1) return { text: `${DELEGATE_USAGE}\n${rest[0] ? `'${rest[0]}' is not a person: ${PERSON_ARG_RULE}.` : 'Name the approver.'}` };
      return withPeople([person], tools, ([approver]) => {
        const result = endDelegation(deps, userId, approver ?? '');
        return result.kind === 'done' ? result.text : result.message;
      });
    }
    default: {
      const approver = parsePersonArg(first);
      const [second = '', until = '', date = '', ...extra] = rest;
      const delegate = parsePersonArg(second);
      const ends = parseDelegateUntil(date, deps.clock.now());
      const problems = [
        approver ? '' : `'${first}' is not a person: ${PERSON_ARG_RULE}.`,
        delegate ? '' : `'${second}' is not a person: ${PERSON_ARG_RULE}.`,
        until.toLowerCase() === 'until' && extra.length === 0 ? '' : 'Write `until` and one date after the two people.',
        ends.ok ? '' : `Date: ${ends.message}.`,
      ].filter(Boolean);
      if (!approver || !delegate || !ends.ok || problems.length > 0) return { text: `${DELEGATE_USAGE}\n${problems.join(' ')}` };
      return startCommand(deps, userId, approver, delegate, ends.endsAt, tools);
    }
  }
}
