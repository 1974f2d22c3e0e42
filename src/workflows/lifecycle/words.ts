/**
 * What joiners, movers and leavers say in Slack and Jira, in one place. `<@U…>` in Jira lines is written
 * out as "Name (email)" when posted.
 */
import { escapeMrkdwn, formatDateTimeUtc } from '../../domain/format.js';
import type { IssueDescription } from '../../jira/types.js';
import type { OffboardingRow, OffboardingStepRow } from '../../store/lifecycle.repo.js';

function mention(slackId: string): string {
  return `<@${slackId}>`;
}

/** `Priya Shah (priya@acme.com)`. */
export function personWords(p: { name: string; email: string }): string {
  return p.name && p.name !== p.email ? `${p.name} (${p.email})` : p.email;
}

const STEP_STATE = { pending: 'in progress', failing: 'failing', done: 'done' } as const;

/** `• Salesforce / Viewer (request #4): done: removed from 00g1viewer`. */
export function stepLine(step: Pick<OffboardingStepRow, 'what' | 'status' | 'result'>): string {
  const state = STEP_STATE[step.status as keyof typeof STEP_STATE] ?? step.status;
  return `• ${step.what}: ${state}${step.result ? `: ${step.result}` : ''}`;
}

export const offboardJiraWords = {
  issue: (o: OffboardingRow, steps: readonly OffboardingStepRow[], startedBy: string): { summary: string; description: IssueDescription } => ({
    summary: `Offboarding: ${personWords(o)}`,
    description: {
      intro: `Keycard offboarding #${o.id}: every access Keycard manages for this person is removed${o.suspend ? ' and their accounts are suspended' : ''}. Each removal and its result is recorded here as it happens.`,
      facts: [
        { label: 'Person', value: `${personWords(o)}${o.personSlackId ? `, Slack ${o.personSlackId}` : ''}` },
        { label: 'Started by', value: startedBy },
        { label: 'Suspend accounts', value: o.suspend ? 'yes' : 'no' },
      ],
      sections: [{ heading: 'Removals', text: steps.map((s) => `• ${s.what}`).join('\n') || 'nothing' }],
    },
  }),
  started: (o: OffboardingRow, steps: readonly OffboardingStepRow[]): string[] => [
    `Keycard offboarding #${o.id} of ${personWords(o)} started${o.requestedBy ? ` by ${mention(o.requestedBy)}` : ''}${o.suspend ? ', suspending their accounts' : ''}. Each removal and where it stands:`,
    ...steps.map(stepLine),
  ],
  progress: (steps: readonly OffboardingStepRow[]): string[] => ['Offboarding progress:', ...steps.map(stepLine)],
  finished: (o: OffboardingRow, steps: readonly OffboardingStepRow[], at: Date): string[] => [
    `Offboarding #${o.id} of ${personWords(o)} finished at ${formatDateTimeUtc(at)}: ${steps.length} of ${steps.length} done.`,
    ...steps.map(stepLine),
  ],
  refused: (why: string): string => `Keycard did not offboard anyone for this issue: ${why}.`,
  nothing: (who: string): string => `Keycard manages no access for ${who} and had no account to suspend: nothing to do.`,
  /** On a request's own issue when an offboarding revokes it. */
  revokedByOffboarding: (o: OffboardingRow, by: string | null): string =>
    `Revoked: ${personWords(o)} is being offboarded (Keycard offboarding #${o.id}${by ? `, started by ${mention(by)}` : ''}).`,
  cancelledByOffboarding: (o: OffboardingRow): string => `Cancelled: ${personWords(o)} is being offboarded (Keycard offboarding #${o.id}).`,
};

export const offboardSlackWords = {
  started: (o: OffboardingRow, steps: readonly OffboardingStepRow[]): string =>
    [
      `:wave: Offboarding #${o.id} of *${escapeMrkdwn(personWords(o))}* started: ${steps.length} step(s)${o.suspend ? ', accounts being suspended' : ''}. Its Jira issue lists each removal and its result; I'll DM you a summary when it is done. Follow it with \`/access-admin offboard status ${o.email}\`.`,
      ...steps.map((s) => escapeMrkdwn(stepLine(s))),
    ].join('\n'),
  already: (o: OffboardingRow): string => `Offboarding #${o.id} of *${escapeMrkdwn(personWords(o))}* is already under way. See \`/access-admin offboard status ${o.email}\`.`,
  nothing: (who: string): string => `Nothing to do: Keycard manages no access for ${escapeMrkdwn(who)} and was not asked to suspend an account.`,
  refused: (why: string): string => `:no_entry: Nobody was offboarded: ${escapeMrkdwn(why)}.`,
  self: 'You cannot offboard yourself: ask another Keycard admin.',
  summary: (o: OffboardingRow, steps: readonly OffboardingStepRow[], jiraKey: string | null): string =>
    [`:white_check_mark: Offboarding #${o.id} of *${escapeMrkdwn(personWords(o))}* is done${jiraKey ? ` (Jira ${jiraKey})` : ''}:`, ...steps.map((s) => escapeMrkdwn(stepLine(s)))].join('\n'),
  status: (o: OffboardingRow, steps: readonly OffboardingStepRow[], jiraKey: string | null): string =>
    [
      `*Offboarding #${o.id} of ${escapeMrkdwn(personWords(o))}*: ${o.status === 'done' ? `done ${formatDateTimeUtc(new Date(o.finishedAt ?? 0))}` : 'running'}${jiraKey ? `; Jira ${jiraKey}` : ''}${o.suspend ? '; suspending accounts' : ''}.`,
      ...steps.map((s) => escapeMrkdwn(stepLine(s))),
      ...(steps.some((s) => s.status === 'failing')
        ? ['A failing removal is retried on its own; if it can never succeed, `/access-admin retry <request id>` or `/access-admin removed <request id> <group id> <reason>` settles it, and a failing suspend is retried with `/access-admin retry job <job id>` (see `/access-admin status`).']
        : []),
    ].join('\n'),
  noOffboarding: (who: string): string => `No offboarding of ${escapeMrkdwn(who)} on record.`,
  /** The DM to the person whose request an offboarding cancels. */
  requestCancelled: (requestId: number, what: string): string => `:x: Your request #${requestId} for *${escapeMrkdwn(what)}* was cancelled: your access is being removed (offboarding).`,
};

const FILED_WORDS = {
  birthright: (r: number | null, bundle: string) => `granted as birthright (bundle ${bundle}), request #${r}`,
  approval: (r: number | null) => `filed for approval, request #${r}: its approvers are asked`,
  held: (r: number | null) => `already held (request #${r})`,
  pending: (r: number | null) => `already asked for (request #${r})`,
} as const;

/** `• Salesforce / Viewer: granted as birthright (bundle data-eng), request #4`. */
export function filedLine(f: { bundleId: string; what: string; outcome: keyof typeof FILED_WORDS; requestId: number | null }): string {
  return `• ${f.what}: ${FILED_WORDS[f.outcome](f.requestId, f.bundleId)}`;
}

export const onboardWords = {
  filed: (who: string, bundles: readonly string[], lines: readonly string[], named: boolean, mismatch: string | null): string[] => [
    `Onboarded ${who} with ${bundles.length === 1 ? 'bundle' : 'bundles'} ${bundles.join(', ')}${named ? ' (named by the admin)' : ' (matching their profile)'}${mismatch ? `; note: ${mismatch}` : ''}:`,
    ...lines,
  ],
  refused: (why: string): string => `Keycard did not onboard anyone for this issue: ${why}.`,
  already: (id: number): string => `Onboarding #${id} was already filed for this issue: nothing more to do.`,
  noMatch: (profile: string, bundles: string): string => `no bundle matches their profile (${profile}); the catalog's bundles: ${bundles}`,
};

export const moverWords = {
  reviewName: (name: string, change: string): string => `Mover: ${name} (${change})`.slice(0, 120),
  itemReason: (bundle: string, change: string): string => `bundle ${bundle} no longer matches (${change})`,
  /** The DM offering a bundle after a move. */
  offer: (personSlackId: string, forPerson: boolean, bundle: string, bundleName: string, when: string, roles: readonly string[]): string =>
    [
      forPerson
        ? `:sparkles: Your profile changed and now matches the bundle *${escapeMrkdwn(bundleName)}* (${escapeMrkdwn(bundle)}: ${escapeMrkdwn(when)}). Keycard can file its access for you:`
        : `:sparkles: ${mention(personSlackId)} moved and now matches the bundle *${escapeMrkdwn(bundleName)}* (${escapeMrkdwn(bundle)}: ${escapeMrkdwn(when)}). Keycard can file its access for them:`,
      ...roles.map((r) => `• ${escapeMrkdwn(r)}`),
      'Roles the catalog auto-approves are granted at once; the others go to their approvers.',
    ].join('\n'),
  offerFiled: (bundle: string, by: string, lines: readonly string[]): string => [`:white_check_mark: Bundle *${escapeMrkdwn(bundle)}* filed by ${mention(by)}:`, ...lines.map(escapeMrkdwn)].join('\n'),
  offerTaken: (bundle: string, by: string | null, at: Date | null): string => `Bundle *${escapeMrkdwn(bundle)}* was already filed${by ? ` by ${mention(by)}` : ''}${at ? ` at ${formatDateTimeUtc(at)}` : ''}.`,
};
