/**
 * `/access-admin audit <request id | JIRA-KEY | @user> [--to-jira]`, `export [from] [to] [app=…]`,
 * `stats [period]`, `grants [app | @user] [page=N]` and `pending [page=N]`. The caller has already admitted
 * the admin and recorded the command (src/slack/listeners/admin.ts). People are named as a mention, a Slack
 * id or an email; requests as a Keycard id or a Jira key (src/domain/admin-args.ts).
 *
 * `audit` of a request asks the identity provider live when the access was last used, which can take longer
 * than Slack's 3 s: it is acknowledged at once and answered through `respond()`, as `catalog reload` is.
 */
import { parsePersonArg, parseRequestArg, PERSON_ARG_RULE, REQUEST_ARG_RULE } from '../../domain/admin-args.js';
import { parseExportArgs, parseStatsArgs, takePage } from '../../domain/insight.js';
import { formatDurationSpec } from '../../domain/duration.js';
import type { SideEffectDeps, WorkflowDeps } from '../../workflows/shared/deps.js';
import { auditPerson, auditRequest, computeStats, grantsPage, pendingPage, requestRequestsExport, resolvePerson, statsText, unknownApp } from '../../workflows/insight/index.js';

/** What these commands need besides the store: Jira addresses, the providers (last sign-in) and Slack (emails). */
export type AdminListenerDeps = WorkflowDeps & Pick<SideEffectDeps, 'ticketing' | 'providers' | 'directory'>;

export const AUDIT_USAGE = [
  'Usage: `/access-admin audit <request id | JIRA-KEY> [--to-jira]`: the whole chain of a request (who asked and why, each approval, the groups changed, extensions, the end and the removal, the last sign-in); `--to-jira` also posts it as a comment on its Jira issue.',
  `\`/access-admin audit <@user>\`: their access now and their last 20 requests (${PERSON_ARG_RULE}; ${REQUEST_ARG_RULE}).`,
  '`/access-admin audit verify`: check the audit log\'s hash chain.',
].join('\n');
const GRANTS_USAGE = `Usage: \`/access-admin grants [app | @user] [page=N]\`: active grants, all, of one app (its catalog id) or of one person (${PERSON_ARG_RULE}).`;
const PENDING_USAGE = 'Usage: `/access-admin pending [page=N]`: requests waiting for approval or to be granted, oldest first.';

/** Slack takes 40,000 characters in a message; an answer is cut well before, saying so. */
const MAX_ANSWER = 39_000;

function clip(text: string): string {
  return text.length <= MAX_ANSWER ? text : `${text.slice(0, MAX_ANSWER)}\n…(cut here: the rest is in \`/access-admin export\`)`;
}

/** `audit <something>` other than `audit verify`: answered by `auditCommand`. */
export function isAuditLookup(text: string): boolean {
  return /^\s*audit\s+\S/i.test(text) && !/^\s*audit\s+verify\s*$/i.test(text);
}

export interface Reply {
  ack(text: string): Promise<void>;
  respond(text: string): Promise<void>;
}

/** `audit <request id | JIRA-KEY | @user> [--to-jira]`: usage at once when the words are wrong; else ack, then the answer. */
export async function auditCommand(deps: AdminListenerDeps, userId: string, text: string, reply: Reply): Promise<void> {
  const words = text.trim().split(/\s+/).slice(1);
  const toJira = words.some((w) => w.toLowerCase() === '--to-jira');
  const targets = words.filter((w) => w.toLowerCase() !== '--to-jira');
  const request = targets.length === 1 ? parseRequestArg(targets[0] ?? '') : null;
  const who = targets.length === 1 && !request ? parsePersonArg(targets[0] ?? '') : null;
  if (!request && !who) {
    await reply.ack(`${targets.length === 1 ? `'${targets[0]}' names no request or person. ` : ''}${AUDIT_USAGE}`);
    return;
  }
  if (who && toJira) {
    await reply.ack(`\`--to-jira\` posts a request's chain on its Jira issue; a person has no issue of their own. ${AUDIT_USAGE}`);
    return;
  }
  if (request) {
    await reply.ack(`:mag: Reading the record of ${request.kind === 'id' ? `request #${request.id}` : request.key} and asking the identity provider when it was last used…`);
    await reply.respond(clip(await auditRequest(deps, request, userId, toJira)));
    return;
  }
  await reply.ack(':mag: Reading their record…');
  await reply.respond(clip(await auditPerson(deps, who!)));
}

/** `export [from] [to] [app=…]`. */
export function exportCommand(deps: AdminListenerDeps, userId: string, rest: readonly string[]): string {
  const parsed = parseExportArgs(rest, deps.clock.now().getTime());
  return parsed.ok ? requestRequestsExport(deps, userId, parsed.range) : parsed.problem;
}

/** `stats [period]`. */
export function statsCommand(deps: AdminListenerDeps, rest: readonly string[]): string {
  const parsed = parseStatsArgs(rest);
  if (!parsed.ok) return parsed.problem;
  return statsText(computeStats(deps, parsed.periodMs), formatDurationSpec(parsed.periodMs));
}

/** `grants [app | @user] [page=N]`: an email is looked up (the records, else Slack) before the answer. */
export async function grantsCommand(deps: AdminListenerDeps, rest: readonly string[]): Promise<string> {
  const { words, page } = takePage(rest);
  if (page === null || words.length > 1) return GRANTS_USAGE;
  const word = words[0];
  if (word === undefined) return clip(grantsPage(deps, {}, page, '', 'grants'));
  const who = parsePersonArg(word);
  if (who) {
    const resolved = await resolvePerson(deps, who);
    if ('problem' in resolved) return resolved.problem;
    return clip(grantsPage(deps, { userSlackId: resolved.slackId }, page, ` of <@${resolved.slackId}>`, `grants <@${resolved.slackId}>`));
  }
  const appId = word.toLowerCase();
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(appId)) return `'${word}' is neither an app id nor a person. ${GRANTS_USAGE}`;
  const unknown = unknownApp(deps, appId);
  if (unknown) return `${unknown}\n${GRANTS_USAGE}`;
  return clip(grantsPage(deps, { appId }, page, ` of ${appId}`, `grants ${appId}`));
}

/** `pending [page=N]`. */
export function pendingCommand(deps: AdminListenerDeps, rest: readonly string[]): string {
  const { words, page } = takePage(rest);
  if (page === null || words.length > 0) return PENDING_USAGE;
  return clip(pendingPage(deps, page));
}
