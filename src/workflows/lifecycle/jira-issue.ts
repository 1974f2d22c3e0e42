/**
 * Offboarding and onboarding from Jira: an issue of the configured type in Keycard's project naming the
 * person (their email in the configured field, else in the summary). Nothing from a webhook's body is
 * trusted: the issue is read back from Jira by its key. Its reporter must be a Keycard admin, matched by
 * email; the `keycard-suspend` label asks for the accounts to be suspended too. An issue is acted on once
 * (a repeated delivery has no second effect); one Keycard refused is looked at again on its next delivery,
 * and commented on only when the reason is new. The results are written to the issue.
 */
import type { JobOf } from '../../store/jobs.repo.js';
import type { Store } from '../../store/store.js';
import type { IssueState } from '../../jira/types.js';
import type { JiraDelivery, JiraIssueHandler } from '../inbound/index.js';
import type { SideEffectDeps, WorkflowDeps } from '../shared/deps.js';
import { lifecycleIssueKey } from './issue-comment.js';
import { recordRefusedIssue, startOffboarding } from './offboard.js';
import { onboardPerson, recordRefusedOnboarding } from './onboard.js';
import { resolvePerson } from './person.js';
import { offboardJiraWords } from './words.js';

export const SUSPEND_LABEL = 'keycard-suspend';

const EMAIL_IN_TEXT = /[^\s@<>(),;:"']+@[^\s@<>(),;:"']+\.[A-Za-z]{2,}/;

export type IssueOutcome =
  | { readonly kind: 'ignored'; readonly why: string }
  | { readonly kind: 'refused'; readonly why: string }
  | { readonly kind: 'already'; readonly text: string }
  | { readonly kind: 'started'; readonly text: string };

/** Queues the job that reads an issue and acts on it (a webhook delivery, or an admin's `--from-jira`). */
export function enqueueLifecycleIssue(store: Store, key: string, now: Date): void {
  store.jobs.enqueue({ kind: 'lifecycle.jira_issue', payload: { key }, orderKey: lifecycleIssueKey(key) }, now);
}

function personEmail(facts: IssueState, field: string | null): string | null {
  const fromField = field ? facts.fields[field] : null;
  const match = EMAIL_IN_TEXT.exec(fromField ?? '') ?? EMAIL_IN_TEXT.exec(facts.summary);
  return match ? match[0].toLowerCase() : null;
}

/** The reporter as a Keycard admin's Slack id, or why not. */
async function reporterAdmin(deps: SideEffectDeps, facts: IssueState, what: string): Promise<{ ok: true; slackId: string } | { ok: false; why: string }> {
  const reporter = facts.reporter;
  if (!reporter) return { ok: false, why: `the issue has no reporter; ${what} from Jira is for Keycard admins` };
  if (!reporter.email) return { ok: false, why: `Jira does not show ${reporter.displayName}'s email to Keycard (their profile hides it), so Keycard cannot tell whether they are an admin` };
  const slackId = await deps.directory.userIdByEmail(reporter.email);
  if (!slackId || !deps.admins.includes(slackId)) return { ok: false, why: `${reporter.displayName} (${reporter.email}) is not a Keycard admin: ${what} from Jira is for the admins in KEYCARD_ADMINS, matched by email` };
  return { ok: true, slackId };
}

async function read(deps: SideEffectDeps, key: string): Promise<{ facts: IssueState } | { ignored: string }> {
  const settings = deps.jiraLifecycle;
  if (!settings || (!settings.offboardingIssueType && !settings.onboardingIssueType)) return { ignored: 'offboarding and onboarding from Jira are not configured' };
  const fields = [settings.offboardingEmailField, settings.onboardingEmailField].filter((f): f is string => f !== null);
  const facts = await deps.ticketing.readIssue(key, [...new Set(fields)]);
  if (!facts) return { ignored: `there is no issue ${key}` };
  if (facts.project !== settings.projectKey) return { ignored: `${key} is not in the ${settings.projectKey} project` };
  return { facts };
}

function isType(facts: IssueState, type: string | null): boolean {
  return type !== null && facts.issueType.toLowerCase() === type.toLowerCase();
}

async function offboardFromIssue(deps: SideEffectDeps, facts: IssueState): Promise<IssueOutcome> {
  const { store } = deps;
  const earlier = store.lifecycle.offboardingBySourceKey(facts.key);
  if (earlier && earlier.status !== 'refused') return { kind: 'already', text: `offboarding #${earlier.id} came from ${facts.key} already` };
  const email = personEmail(facts, deps.jiraLifecycle?.offboardingEmailField ?? null);
  const refuse = (why: string, address = email ?? ''): IssueOutcome => {
    recordRefusedIssue(deps, facts.key, address, why, offboardJiraWords.refused(why));
    return { kind: 'refused', why };
  };
  if (!email) return refuse(`it names nobody: put the leaver's email in ${deps.jiraLifecycle?.offboardingEmailField ? `the field ${deps.jiraLifecycle.offboardingEmailField}` : 'the summary'}`);
  const admin = await reporterAdmin(deps, facts, 'offboarding');
  if (!admin.ok) return refuse(admin.why);
  const person = await resolvePerson(deps, { kind: 'email', email });
  if (!person.ok) return refuse(person.why);
  const result = await startOffboarding(deps, { person: person.person, suspend: facts.labels.includes(SUSPEND_LABEL), adminSlackId: admin.slackId, source: { kind: 'jira', key: facts.key } });
  if (result.kind === 'started') return { kind: 'started', text: `offboarding #${result.offboarding.id} started` };
  if (result.kind === 'refused') return refuse(result.why);
  // Nothing to do, or under way already (started in Slack): said once on the issue.
  const text = result.kind === 'nothing' ? result.text : `Keycard is already offboarding ${person.person.email} (offboarding #${result.offboarding.id}); this issue adds nothing to it.`;
  recordRefusedIssue(deps, facts.key, email, text, text);
  return { kind: 'already', text };
}

async function onboardFromIssue(deps: SideEffectDeps, facts: IssueState): Promise<IssueOutcome> {
  const earlier = deps.store.lifecycle.onboardingBySourceKey(facts.key);
  if (earlier?.status === 'filed') return { kind: 'already', text: `onboarding #${earlier.id} came from ${facts.key} already` };
  const email = personEmail(facts, deps.jiraLifecycle?.onboardingEmailField ?? null);
  const refuse = (why: string): IssueOutcome => {
    recordRefusedOnboarding(deps, facts.key, email ?? '', why);
    return { kind: 'refused', why };
  };
  if (!email) return refuse(`it names nobody: put the joiner's email in ${deps.jiraLifecycle?.onboardingEmailField ? `the field ${deps.jiraLifecycle.onboardingEmailField}` : 'the summary'}`);
  const admin = await reporterAdmin(deps, facts, 'onboarding');
  if (!admin.ok) return refuse(admin.why);
  const person = await resolvePerson(deps, { kind: 'email', email });
  if (!person.ok) return refuse(person.why);
  const result = await onboardPerson(deps, { person: person.person, bundleId: null, adminSlackId: admin.slackId, source: { kind: 'jira', key: facts.key } });
  if (result.kind === 'filed') return { kind: 'started', text: result.lines.join('\n') };
  if (result.kind === 'already') return result;
  return refuse(result.why);
}

/** Re-reads the issue and offboards from it when it is an offboarding issue; otherwise changes nothing. */
export async function handleOffboardingIssue(deps: SideEffectDeps, key: string): Promise<IssueOutcome> {
  const found = await read(deps, key);
  if ('ignored' in found) return { kind: 'ignored', why: found.ignored };
  if (!isType(found.facts, deps.jiraLifecycle?.offboardingIssueType ?? null)) return { kind: 'ignored', why: `${key} is a ${found.facts.issueType}, not an offboarding issue` };
  return offboardFromIssue(deps, found.facts);
}

/** Re-reads the issue and onboards from it when it is an onboarding issue; otherwise changes nothing. */
export async function handleOnboardingIssue(deps: SideEffectDeps, key: string): Promise<IssueOutcome> {
  const found = await read(deps, key);
  if ('ignored' in found) return { kind: 'ignored', why: found.ignored };
  if (!isType(found.facts, deps.jiraLifecycle?.onboardingIssueType ?? null)) return { kind: 'ignored', why: `${key} is a ${found.facts.issueType}, not an onboarding issue` };
  return onboardFromIssue(deps, found.facts);
}

/** Reads the issue once and acts by its type: an offboarding or an onboarding issue; anything else is left alone. */
export async function handleLifecycleIssue(deps: SideEffectDeps, key: string): Promise<IssueOutcome> {
  const found = await read(deps, key);
  let outcome: IssueOutcome;
  if ('ignored' in found) outcome = { kind: 'ignored', why: found.ignored };
  else if (isType(found.facts, deps.jiraLifecycle?.offboardingIssueType ?? null)) outcome = await offboardFromIssue(deps, found.facts);
  else if (isType(found.facts, deps.jiraLifecycle?.onboardingIssueType ?? null)) outcome = await onboardFromIssue(deps, found.facts);
  else outcome = { kind: 'ignored', why: `${key} is a ${found.facts.issueType}: neither an offboarding nor an onboarding issue` };
  deps.logger.info({ jiraKey: key, outcome: outcome.kind, detail: 'why' in outcome ? outcome.why : outcome.text }, 'lifecycle issue read');
  return outcome;
}

/** `/access-admin offboard --from-jira <key>`: the same as a webhook delivery of the issue, through the queue. */
export async function lifecycleIssueJob(deps: SideEffectDeps, job: JobOf<'lifecycle.jira_issue'>): Promise<void> {
  await handleLifecycleIssue(deps, job.payload.key);
}

function sameType(a: string | null | undefined, b: string | null): boolean {
  return Boolean(a && b && a.toLowerCase() === b.toLowerCase());
}

/**
 * Offboarding and onboarding issues for the Jira webhook (src/workflows/inbound/dispatch.ts): a delivery
 * is claimed when it names one of the configured issue types, or names no type (Jira Automation) for an
 * issue that is not a Keycard request's; the job reads the issue back and acts by its real type.
 */
export function lifecycleIssueHandler(): JiraIssueHandler {
  return {
    kind: 'lifecycle',
    claims(deps: WorkflowDeps, delivery: JiraDelivery): boolean {
      const settings = deps.jiraLifecycle;
      if (!settings || (!settings.offboardingIssueType && !settings.onboardingIssueType)) return false;
      if (delivery.issueType !== null) return sameType(delivery.issueType, settings.offboardingIssueType) || sameType(delivery.issueType, settings.onboardingIssueType);
      return deps.store.requests.byJiraKey(delivery.issueKey).length === 0;
    },
    handle: async (deps, issueKey) => {
      await handleLifecycleIssue(deps, issueKey);
    },
  };
}
