/**
 * `/access-admin audit <request id | JIRA-KEY | @user> [--to-jira]`: a request's whole chain in one message,
 * with the provider asked live whether the access was used; or a person's access now and their last 20
 * requests. `--to-jira` posts the same text as a comment on the request's issue, through the job queue.
 */
import type { PersonArg, RequestArg } from '../../domain/admin-args.js';
import type { CommentLine } from '../../store/job-kinds.js';
import type { RequestRow } from '../../store/requests.repo.js';
import type { SideEffectDeps, WorkflowDeps } from '../shared/deps.js';
import { enqueueJiraComment } from '../shared/effects.js';
import { chainRoot, readChain } from './chain.js';
import { at, chainTold } from './chain-words.js';
import { lastUseLine, LAST_USE_TIMEOUT_MS } from './last-use.js';
import { personTold } from './person.js';
import { person, toJira, toSlack, type Told } from './text.js';

export type AuditDeps = WorkflowDeps & Pick<SideEffectDeps, 'ticketing' | 'providers' | 'directory'>;

/** How long resolving an email through Slack may take before the records alone answer. */
const DIRECTORY_TIMEOUT_MS = 2000;

/** The request a Keycard id or Jira key names (a Jira key names the access request, not its extensions). */
export function findRequest(deps: WorkflowDeps, arg: RequestArg): RequestRow | undefined {
  if (arg.kind === 'id') return deps.store.requests.get(arg.id);
  const filed = deps.store.insight.byJiraKey(arg.key);
  return filed.find((r) => r.kind === 'access') ?? filed[0];
}

export function requestNotFound(arg: RequestArg): string {
  return arg.kind === 'id' ? `No request #${arg.id}.` : `No request is filed as ${arg.key} in Keycard's records.`;
}

/**
 * A person's Slack id: a mention or id as given; an email from Keycard's records (the requests that recorded
 * it), else from Slack (bounded by a timeout). A problem sentence when neither knows it.
 */
export async function resolvePerson(deps: WorkflowDeps & Partial<Pick<SideEffectDeps, 'directory'>>, arg: PersonArg): Promise<{ slackId: string } | { problem: string }> {
  if (arg.kind === 'slack') return { slackId: arg.slackId };
  const recorded = deps.store.insight.slackIdByEmail(arg.email);
  if (recorded) return { slackId: recorded };
  if (deps.directory) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), DIRECTORY_TIMEOUT_MS);
    });
    try {
      const found = await Promise.race([deps.directory.userIdByEmail(arg.email), timeout]);
      if (found === 'timeout') return { problem: `Slack did not say within ${DIRECTORY_TIMEOUT_MS / 1000} s who ${arg.email} is, and Keycard's records do not name it; try their @mention.` };
      if (found) return { slackId: found };
    } catch (error) {
      deps.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'email look-up for an admin command failed');
      return { problem: `Slack could not be asked who ${arg.email} is, and Keycard's records do not name it; try their @mention.` };
    } finally {
      clearTimeout(timer);
    }
  }
  return { problem: `Nobody with the email ${arg.email} is in Slack or in Keycard's records.` };
}

/** The chain of the request `arg` names, as Slack text; with `toJira`, also queued as a comment on its issue. */
export async function auditRequest(deps: AuditDeps, arg: RequestArg, adminSlackId: string, toJira: boolean, timeoutMs = LAST_USE_TIMEOUT_MS): Promise<string> {
  const { store } = deps;
  const named = findRequest(deps, arg);
  if (!named) return requestNotFound(arg);
  const root = chainRoot(store, named);
  const chain = readChain(store, root, (key) => deps.ticketing.issueUrl(key));
  const told = chainTold(chain, await lastUseLine(deps, chain, timeoutMs));
  const via = root.id !== named.id ? `Request #${named.id} is an extension of request #${root.id}; the whole chain:\n` : '';
  let posted = '';
  if (toJira) {
    if (!root.jiraKey) {
      posted = `\n_Not posted to Jira: request #${root.id} has no Jira issue yet._`;
    } else {
      const now = deps.clock.now();
      store.tx(() => {
        enqueueJiraComment(store, root.id, auditComment(told, adminSlackId, now), now);
        store.audit.append({ at: now, actor: { kind: 'user', slackId: adminSlackId }, action: 'insight.audit_posted', requestId: root.id, data: { jiraKey: root.jiraKey } });
      });
      posted = `\n_Posted to ${root.jiraKey} as a comment (queued; it appears in a moment)._`;
    }
  }
  return `${via}${toSlack(told)}${posted}`;
}

/** The comment: who asked for the audit and when, then the same lines the admin read in Slack. */
function auditComment(told: Told, adminSlackId: string, now: Date): CommentLine[] {
  return [...toJira({ title: ['Keycard audit of this request, asked for by ', person(adminSlackId), ` at ${at(now.getTime())}:`], lines: [] }), ...toJira(told)];
}

/** A person's access now and their latest requests, as Slack text. */
export async function auditPerson(deps: AuditDeps, arg: PersonArg): Promise<string> {
  const resolved = await resolvePerson(deps, arg);
  if ('problem' in resolved) return resolved.problem;
  return personTold(deps, resolved.slackId);
}
