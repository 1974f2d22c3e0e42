/**
 * `/access-admin` commands that steer access from Slack: `sync` (drift), `catalog` and `catalog validate`,
 * `revoke` and `extend` by person, and `delegate`. The caller has already admitted the admin (and audited
 * the command with its arguments: src/slack/listeners/admin.ts). Parse, call a workflow, word the answer.
 *
 * An answer that needs Slack or the providers (an email to look up, a catalog's groups to check) may outlast
 * Slack's 3 seconds: it is acknowledged at once and answered through `respond()` (`later`). Bad arguments
 * are always answered at once, with the usage.
 */
import { parsePersonArg, parseRequestArg, PERSON_ARG_RULE } from '../../domain/admin-args.js';
import { findApp } from '../../domain/catalog.js';
import { parseDuration } from '../../domain/duration.js';
import { closestMatches } from '../../domain/suggest.js';
import { validateCatalogFile } from '../../workflows/admin/index.js';
import { requestDriftCheck } from '../../workflows/drift/index.js';
import { extendPersonAccess, revokeByJiraKey, revokePersonAccess } from '../../workflows/grant/index.js';
import type { WorkflowDeps } from '../../workflows/shared/deps.js';
import { catalogAppText, catalogPages } from '../blocks/catalog-pages.js';
import { delegateCommand } from './admin-delegate.js';
import { parseAccessRef, withPeople, type SteerAnswer, type SteerTools } from './admin-people.js';

export type { SteerAnswer, SteerTools } from './admin-people.js';

export const SYNC_USAGE = 'Usage: `/access-admin sync [--to-jira]`: drift between the catalog, the identity providers and Keycard\'s records, by DM; `--to-jira` also files it as one Jira issue.';
export const CATALOG_USAGE = 'Usage: `/access-admin catalog [page | <app>]` (the catalog in force), `/access-admin catalog validate [path]` (checks a catalog file without loading it), `/access-admin catalog reload`.';
export const REVOKE_USAGE =
  'Usage: `/access-admin revoke <request id|JIRA-KEY> <reason>` or `/access-admin revoke <@user> <app[/role]> <reason>`, e.g. `/access-admin revoke @priya salesforce/admin left the project` (the reason goes on the Jira issue).';
export const EXTEND_USAGE =
  'Usage: `/access-admin extend <@user> <app/role> <duration> <reason>`, e.g. `/access-admin extend @priya salesforce/admin 6h incident still open` (within the role\'s maximum; the reason goes on the Jira issue).';

function syncCommand(deps: WorkflowDeps, userId: string, args: readonly string[]): SteerAnswer {
  const toJira = args.length === 1 && /^--to-jira$/i.test(args[0] ?? '');
  if (args.length > 0 && !toJira) return { text: SYNC_USAGE };
  return { text: requestDriftCheck(deps, userId, toJira) };
}

function catalogCommand(deps: WorkflowDeps, userId: string, args: readonly string[], tools: SteerTools): SteerAnswer | null {
  const [sub = '', ...more] = args;
  if (/^reload$/i.test(sub)) return null; // answered by the listener itself (it puts the file in force)
  if (/^validate$/i.test(sub)) {
    if (more.length > 1) return { text: `${CATALOG_USAGE}\nA path has no spaces.` };
    // With the command escaped, Slack may send a path it took for a link as <target|text>: the text is what was typed.
    const typed = more[0] ?? null;
    const path = typed === null ? null : (/^<[^|>]*\|([^>]+)>$/.exec(typed)?.[1] ?? /^<([^|>]+)>$/.exec(typed)?.[1] ?? typed);
    return {
      ack: `:hourglass_flowing_sand: Checking ${path ?? 'the catalog file (CATALOG_PATH)'} and its groups in the identity providers; nothing is loaded...`,
      later: async () => {
        const result = await validateCatalogFile(deps, userId, path, tools.validateCatalog);
        if (!result.ok) return `:no_entry: ${result.path} is not a catalog Keycard would load:\n\`\`\`${result.message.slice(0, 3000)}\`\`\``;
        const next = result.inForce
          ? 'Nothing was loaded: `/access-admin catalog reload` puts it in force.'
          : 'Nothing was loaded: Keycard reads CATALOG_PATH, so copy it there and run `/access-admin catalog reload` to put it in force.';
        return `:white_check_mark: ${result.path} is a valid catalog: ${result.apps} apps, ${result.roles} roles, every group exists in its provider. ${next}`;
      },
    };
  }
  if (more.length > 0) return { text: CATALOG_USAGE };
  const catalog = deps.catalog();
  const pages = catalogPages(catalog);
  if (sub === '') return { text: pages[0] ?? '' };
  if (/^[0-9]+$/.test(sub)) {
    const page = Number(sub);
    return { text: pages[page - 1] ?? `There are ${pages.length} pages of the catalog: \`/access-admin catalog 1\` to \`/access-admin catalog ${pages.length}\`.` };
  }
  const app = findApp(catalog, sub);
  if (app) return { text: catalogAppText(app) };
  const near = closestMatches(sub, catalog.apps.map((a) => a.id));
  return { text: `No app '${sub}' in the catalog${near.length > 0 ? `. Did you mean: ${near.join(', ')}?` : '.'}\n${CATALOG_USAGE}` };
}

/** `revoke` by Jira key or by person; null for the request id form, which `/access-admin revoke <id>` has always answered. */
function revokeCommand(deps: WorkflowDeps, userId: string, args: readonly string[], tools: SteerTools): SteerAnswer | null {
  const [first = '', ...rest] = args;
  const request = parseRequestArg(first);
  if (request?.kind === 'id') return null;
  if (request?.kind === 'jira') {
    const reason = rest.join(' ').trim();
    if (reason.length < 3) return { text: REVOKE_USAGE };
    const result = revokeByJiraKey(deps, request.key, userId, reason);
    return { text: result.kind === 'started' ? result.text : result.message };
  }
  const person = parsePersonArg(first);
  const ref = parseAccessRef(rest[0]);
  const reason = rest.slice(1).join(' ').trim();
  if (!person || !ref || reason.length < 3) return { text: `${REVOKE_USAGE}${first && !person && !request ? `\n'${first}' is not a request or a person: ${PERSON_ARG_RULE}.` : ''}` };
  return withPeople([person], tools, ([slackId]) => {
    const result = revokePersonAccess(deps, userId, slackId ?? '', ref, reason);
    return result.kind === 'started' ? result.text : result.message;
  });
}

function extendCommand(deps: WorkflowDeps, userId: string, args: readonly string[], tools: SteerTools): SteerAnswer {
  const [who = '', what, duration = '', ...words] = args;
  const person = parsePersonArg(who);
  const ref = parseAccessRef(what);
  const durationMs = parseDuration(duration);
  const reason = words.join(' ').trim();
  const problems = [
    person ? '' : `'${who}' is not a person: ${PERSON_ARG_RULE}.`,
    ref?.roleId ? '' : `'${what ?? ''}' is not an app and role like salesforce/admin.`,
    durationMs !== null && durationMs > 0 ? '' : `'${duration}' is not a duration like 30m, 6h or 2d.`,
    reason.length >= 3 ? '' : 'Say why (at least 3 characters): it goes on the Jira issue.',
  ].filter(Boolean);
  if (!person || !ref?.roleId || durationMs === null || durationMs <= 0 || reason.length < 3) return { text: `${EXTEND_USAGE}\n${problems.join(' ')}` };
  return withPeople([person], tools, ([slackId]) => {
    const result = extendPersonAccess(deps, userId, slackId ?? '', ref, durationMs, reason);
    return result.kind === 'extended' ? result.text : result.message;
  });
}

/** Null when the command is not one of these (the rest of `/access-admin` answers it). */
export function steerCommand(deps: WorkflowDeps, userId: string, text: string, tools: SteerTools): SteerAnswer | null {
  const [verb = '', ...args] = text.trim().split(/\s+/).filter(Boolean);
  switch (verb.toLowerCase()) {
    case 'sync':
      return syncCommand(deps, userId, args);
    case 'catalog':
      return catalogCommand(deps, userId, args, tools);
    case 'revoke':
      return revokeCommand(deps, userId, args, tools);
    case 'extend':
      return extendCommand(deps, userId, args, tools);
    case 'delegate':
      return delegateCommand(deps, userId, args, tools);
    default:
      return null;
  }
}
