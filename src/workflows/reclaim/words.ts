/**
 * What auto reclaim says in Slack and Jira, in one place. Text a person typed (a Keep it reason) is kept as
 * typed in Jira and escaped in Slack.
 */
import { formatDuration } from '../../domain/duration.js';
import { escapeMrkdwn, formatDateTimeUtc } from '../../domain/format.js';
import { formatCost, shortDate } from '../../domain/reclaim.js';
import type { ReclaimPolicy } from '../../domain/types.js';
import type { IssueDescription } from '../../jira/types.js';
import type { CommentLine } from '../../store/job-kinds.js';
import type { ReclaimCaseRow, ReclaimRunRow } from '../../store/reclaim.repo.js';

/** `Figma (Editor)`, as the issue's example writes it. */
export function appRole(appName: string, roleName: string): string {
  return `${appName} (${roleName})`;
}

/** The last sign-in as a record reads it: `Aug 3 (this app)`, `none on record (any app)`. */
export function lastSignInText(c: Pick<ReclaimCaseRow, 'lastSignInAt' | 'lastSignInScope'>, now: Date): string {
  const where = c.lastSignInScope === 'app' ? 'this app' : 'any app';
  return c.lastSignInAt === null ? `none on record (${where})` : `${shortDate(new Date(c.lastSignInAt), now)} (${where})`;
}

/** `unused since Aug 3`, the note an ended grant carries (`reclaimed: unused since Aug 3`). */
export function unusedSince(c: Pick<ReclaimCaseRow, 'lastSignInAt'>, now: Date): string {
  return c.lastSignInAt === null ? 'no sign-in on record' : `unused since ${shortDate(new Date(c.lastSignInAt), now)}`;
}

export function describePolicy(policy: ReclaimPolicy, lowerRoleName: string | null): string {
  const action = policy.action.kind === 'revoke' ? 'removed' : `downgraded to ${lowerRoleName ?? policy.action.roleId}`;
  const cost = policy.seatCost !== undefined ? `; a seat costs ${formatCost(policy.seatCost)} a month` : '';
  return `unused for ${formatDuration(policy.inactiveAfterMs)}: warned, then ${action} after ${formatDuration(policy.graceMs)} unless kept${cost}`;
}

export interface CaseWords {
  readonly appName: string;
  readonly roleName: string;
  /** The lower role's name of a downgrade; null for a removal. */
  readonly lowerRoleName: string | null;
  readonly inactiveAfterMs: number;
}

function basisWords(c: ReclaimCaseRow, what: string, now: Date): string {
  if (c.lastSignInScope === 'overall') {
    return c.lastSignInAt === null
      ? `Keycard finds no sign-in of yours on record anywhere, so *${what}* looks unused`
      : `You haven't signed in anywhere since ${shortDate(new Date(c.lastSignInAt), now)}, so *${what}* looks unused`;
  }
  return c.lastSignInAt === null ? `Keycard finds no sign-in of yours to *${what}* on record` : `You haven't used *${what}* since ${shortDate(new Date(c.lastSignInAt), now)}`;
}

export const reclaimSlackWords = {
  /** The warning DM, with Keep it and Remove now. */
  warning: (c: ReclaimCaseRow, w: CaseWords, now: Date): string => {
    const what = appRole(escapeMrkdwn(w.appName), escapeMrkdwn(w.roleName));
    const when = shortDate(new Date(c.removeAt), now);
    const then = w.lowerRoleName ? `It will be changed to *${escapeMrkdwn(w.lowerRoleName)}* on *${when}*` : `It will be removed on *${when}*`;
    return `:wave: ${basisWords(c, what, now)}. ${then} unless you keep it.`;
  },
  /** The warning DM once the person or Keycard moved the case on (its buttons gone). */
  warningClosed: (c: ReclaimCaseRow, w: CaseWords, now: Date): string => {
    const what = appRole(escapeMrkdwn(w.appName), escapeMrkdwn(w.roleName));
    switch (c.status) {
      case 'kept':
        return `:white_check_mark: You kept *${what}* on ${shortDate(new Date(c.keptAt ?? now.getTime()), now)}. Keycard asks again only if it stays unused for ${formatDuration(w.inactiveAfterMs)} from then.`;
      case 'removing':
        return `:hourglass_flowing_sand: ${w.lowerRoleName ? `Changing *${what}* to *${escapeMrkdwn(w.lowerRoleName)}*` : `Removing *${what}*`} now. You'll get a DM when it's done.`;
      case 'cancelled':
        return `:information_source: No change to *${what}*: ${escapeMrkdwn(c.result ?? 'nothing left to do')}.`;
      default:
        return `:lock: *${what}* was ${w.lowerRoleName ? `changed to *${escapeMrkdwn(w.lowerRoleName)}*` : 'removed'} on ${shortDate(new Date(c.closedAt ?? now.getTime()), now)}.`;
    }
  },
  /** The DM after the reclaim, with Ask for it back. */
  result: (c: ReclaimCaseRow, w: CaseWords, now: Date): string => {
    const what = appRole(escapeMrkdwn(w.appName), escapeMrkdwn(w.roleName));
    const why = unusedSince(c, now);
    const back = c.restoreUntil !== null && now.getTime() <= c.restoreUntil ? `*Ask for it back* by ${shortDate(new Date(c.restoreUntil), now)} and it is restored without approval.` : '*Ask for it back* opens a request for it.';
    if (c.status === 'restored') return `:key: *${what}* was reclaimed (${why}) and restored at your request: request #${c.restoreRequestId ?? '?'}, no approval needed.`;
    if (w.lowerRoleName) return `:arrow_down: *${escapeMrkdwn(w.appName)}* is now *${escapeMrkdwn(w.lowerRoleName)}* instead of *${escapeMrkdwn(w.roleName)}* (${why}). Need ${escapeMrkdwn(w.roleName)} again? ${back}`;
    return `:lock: *${what}* was removed (${why}). Need it again? ${back}`;
  },
  refusedNotYours: ':no_entry: This is about someone else\'s access: only they can answer it.',
  caseGone: 'That reclaim is not on record any more.',
  roleGone: (what: string): string => `The catalog no longer has *${escapeMrkdwn(what)}*: ask IT.`,
  timeBound: (what: string): string => `${escapeMrkdwn(what)} is time-bound: choose how long you need it.`,
  alreadyHeld: (what: string, requestId: number): string => `You already have *${escapeMrkdwn(what)}* again (request #${requestId}).`,
  alreadyAsked: (what: string, requestId: number): string => `A request for *${escapeMrkdwn(what)}* is already on its way: request #${requestId}.`,
  unknownApp: (appId: string, known: readonly string[]): string => `No app '${appId}' in the catalog; ${reclaimSlackWords.withPolicy(known)}.`,
  noPolicy: (appName: string, appId: string, known: readonly string[]): string =>
    `${appName} (${appId}) has no reclaim policy: add \`reclaim:\` to it in the catalog (see the README's catalog section); ${reclaimSlackWords.withPolicy(known)}.`,
  withPolicy: (known: readonly string[]): string => (known.length > 0 ? `apps with a reclaim policy: ${known.join(', ')}` : 'no app in the catalog has a reclaim policy yet'),
  noApps: "No app in the catalog has a reclaim policy: add `reclaim:` to an app (see the README's catalog section).",
  manualApp: (appName: string): string => `${appName} is a manual app: it has no sign-ins to judge, so nothing is ever reclaimed there.`,
  excluded: (who: string, appName: string, hasPolicy: boolean, exclusionId: number, reason: string | null, withdrawn: number, removing: number): string => {
    const policy = hasPolicy ? '' : ` (${appName} has no reclaim policy yet; the exclusion applies once it has one)`;
    const notes = [withdrawn > 0 ? 'their warning is withdrawn' : '', removing > 0 ? 'a removal already under way is not stopped (give the access again with `/request` if needed)' : ''].filter(Boolean);
    return `:white_check_mark: ${who} is excluded from reclaim on *${escapeMrkdwn(appName)}*${policy}; recorded as exclusion #${exclusionId}${reason ? ` (${escapeMrkdwn(reason)})` : ''}.${notes.length > 0 ? ` ${notes.join('; ')}.` : ''}`;
  },
  kept: (what: string, inactiveAfterMs: number): string => `:white_check_mark: Kept *${escapeMrkdwn(what)}*. Keycard asks again only if it stays unused for ${formatDuration(inactiveAfterMs)} from now.`,
  removing: (what: string, lower: string | null): string => (lower ? `:arrow_down: Changing *${escapeMrkdwn(what)}* to *${escapeMrkdwn(lower)}* now. You'll get a DM when it's done.` : `:wave: Removing *${escapeMrkdwn(what)}* now. You'll get a DM when it's done.`),
  restored: (what: string, requestId: number, caseId: number): string => `:key: Restoring *${escapeMrkdwn(what)}*: request #${requestId}, no approval needed (restore of reclaim #${caseId}). You'll get a DM when it's back.`,
  afterRestoreWindow: (what: string, days: string): string => `More than ${days} since *${escapeMrkdwn(what)}* was reclaimed: ask for it as usual.`,
  /** A case that is no longer open, for a click on an old DM. */
  notOpen: (c: ReclaimCaseRow, label: string): string => {
    const what = escapeMrkdwn(label);
    if (c.status === 'kept') return `You already kept *${what}*.`;
    if (c.status === 'removing') return `*${what}* is already being removed.`;
    if (c.status === 'cancelled') return `Nothing to do for *${what}*: ${escapeMrkdwn(c.result ?? 'no longer open')}.`;
    if (c.status === 'restored') return `*${what}* was already restored (request #${c.restoreRequestId ?? '?'}).`;
    return `*${what}* was already ${c.status}.`;
  },
  scanDone: (run: ReclaimRunRow, appName: string, jira: boolean): string =>
    `:broom: Reclaim scan of *${escapeMrkdwn(appName)}* (run #${run.id}) done: ${run.members ?? 0} members read, ${run.warned ?? 0} warned, ${run.noTelemetry ?? 0} without usable sign-ins.${jira ? ` The run's Jira issue is labelled \`keycard-reclaim-${run.id}\`.` : ''}`,
  scanFailed: (run: ReclaimRunRow, appName: string, why: string): string => `:warning: Reclaim scan of *${escapeMrkdwn(appName)}* (run #${run.id}) failed: ${escapeMrkdwn(why)}. Nobody was warned.`,
};

/** Why a case ends with no change: on the case, the run's issue, the audit log and the person's DM. */
export const reclaimReasons = {
  catalogDropped: (appId: string, roleId: string): string => `the catalog no longer reclaims ${appId}/${roleId}`,
  lowerRoleGone: (roleId: string): string => `the catalog no longer has the role ${roleId} to downgrade to`,
  usedAgain: (detail: string): string => `used again (${detail}) before the removal`,
  noTelemetry: (detail: string): string => `no sign-in data at the removal (${detail}): nothing is removed automatically`,
  since: (detail: string): string => `${detail} since the warning`,
  alreadyRemoving: (what: string): string => `nothing to do: the access was already being removed (${what})`,
  alreadyEnded: (status: string): string => `nothing to do: the access was already ended (${status})`,
  removedByOthers: 'nothing to do: the membership was already removed by someone else (see the audit log)',
  excludedByAdmin: 'excluded from reclaim by an admin: the warning is withdrawn',
};

/** Why a run failed without reading anything. */
export const reclaimReasonsForRun = {
  noPolicy: (appId: string): string => `the catalog no longer has a reclaim policy for ${appId}`,
};

/** The justification of the requests a reclaim files for the person. */
export const reclaimRequestWords = {
  downgrade: (caseId: number, what: string, unused: string, lower: string, higher: string): string =>
    `Downgrade by auto reclaim #${caseId}: ${what} ${unused}; ${lower} is given first, then ${higher} is removed.`,
  restore: (caseId: number, what: string, downgraded: boolean, unused: string): string =>
    `Restore of reclaim #${caseId}: ${what} was ${downgraded ? 'downgraded' : 'removed'} (${unused}) and asked back within the restore window.`,
  alsoWarned: 'Also warned:',
};

function person(c: Pick<ReclaimCaseRow, 'name' | 'email'>): string {
  return `${c.name} (${c.email})`;
}

export const reclaimJiraWords = {
  issue: (run: ReclaimRunRow, appName: string, policy: string, counts: { members: number; warned: number; notFlagged: string }, warned: readonly string[]): { summary: string; description: IssueDescription } => ({
    summary: `Auto reclaim: ${appName}, ${counts.warned} warned (run #${run.id})`,
    description: {
      intro: `Keycard's auto reclaim scanned ${appName} and warned the people below by Slack DM. Each result (kept, removed, downgraded, nothing to do) is added as a comment when it happens, and a summary when all are settled. Every step is in Keycard's audit log.`,
      facts: [
        { label: 'App', value: appName },
        { label: 'Policy', value: policy },
        { label: 'Scanned', value: `${formatDateTimeUtc(new Date(run.createdAt))} (${run.trigger === 'admin' ? 'run by an admin' : 'daily schedule'})` },
        { label: 'Members read', value: String(counts.members) },
        { label: 'Warned', value: String(counts.warned) },
        { label: 'Not flagged', value: counts.notFlagged || 'nobody' },
      ],
      sections: [{ heading: 'Warned', text: warned.join('\n') }],
    },
  }),
  warnedLine: (c: ReclaimCaseRow, roleName: string, now: Date): string =>
    `${person(c)}, ${roleName}: last sign-in ${lastSignInText(c, now)}; warned ${formatDateTimeUtc(new Date(c.warnedAt))}; removal due ${formatDateTimeUtc(new Date(c.removeAt))}`,
  kept: (c: ReclaimCaseRow, roleName: string, at: Date): CommentLine =>
    c.keptReason ? [`${person(c)}, ${roleName}: kept by them at ${formatDateTimeUtc(at)}. Reason: `, { user: c.keptReason }] : `${person(c)}, ${roleName}: kept by them at ${formatDateTimeUtc(at)} (no reason given).`,
  removeNow: (c: ReclaimCaseRow, roleName: string, at: Date): string => `${person(c)}, ${roleName}: asked to remove it now (Remove now) at ${formatDateTimeUtc(at)}.`,
  removing: (c: ReclaimCaseRow, roleName: string, at: Date, lower: string | null): string =>
    `${person(c)}, ${roleName}: grace period over at ${formatDateTimeUtc(at)}, still unused; ${lower ? `downgrading to ${lower}` : 'removing'}.`,
  result: (c: ReclaimCaseRow, roleName: string, at: Date): string => `${person(c)}, ${roleName}: ${c.result ?? c.status} at ${formatDateTimeUtc(at)}.`,
  restored: (c: ReclaimCaseRow, roleName: string, requestId: number, at: Date): string =>
    `${person(c)}, ${roleName}: asked for it back at ${formatDateTimeUtc(at)}; restored without approval as Keycard request #${requestId} (restore of reclaim #${c.id}).`,
  /** The closing summary: each person, their last sign-in, the warning sent and the result. */
  summary: (cases: ReadonlyArray<{ c: ReclaimCaseRow; roleName: string }>, now: Date): string[] => [
    `All ${cases.length} ${cases.length === 1 ? 'person' : 'people'} of this run are settled:`,
    ...cases.map(({ c, roleName }) => `${person(c)}, ${roleName}: last sign-in ${lastSignInText(c, now)}; warning sent ${formatDateTimeUtc(new Date(c.warnedAt))}; result: ${c.result ?? c.status}.`),
  ],
  /** On the reclaimed grant's own request issue. */
  reclaimedGrant: (c: ReclaimCaseRow, lower: string | null, now: Date): string =>
    `Auto reclaim (case #${c.id}, run issue keycard-reclaim-${c.runId}): ${unusedSince(c, now)}; warned ${formatDateTimeUtc(new Date(c.warnedAt))}; ${lower ? `downgraded to ${lower}` : 'removed'}${c.decidedBy && c.decidedBy !== 'system' ? ' at the holder\'s request (Remove now)' : ' after the grace period'}.`,
  /** On the restore's request issue: the link to the reclaim. */
  restoreOf: (c: ReclaimCaseRow, what: string, now: Date): string =>
    `${what}: restore of reclaim #${c.id} (${unusedSince(c, now)}, reclaimed ${formatDateTimeUtc(new Date(c.closedAt ?? now.getTime()))}; the reclaim run's Jira issue is labelled keycard-reclaim-${c.runId}), approved automatically within the restore window.`,
};
