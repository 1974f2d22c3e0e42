/**
 * `/access-admin catalog`: the catalog in force as text an admin reads in Slack (apps, roles, groups,
 * approvals, durations), in pages that stay under what Slack shows of one message. Pure.
 */
import { isTimeBound } from '../../domain/catalog.js';
import { formatDurationSpec } from '../../domain/duration.js';
import { escapeMrkdwn } from '../../domain/format.js';
import { stageToString } from '../../domain/routing.js';
import type { Catalog, CatalogApp, CatalogRole } from '../../domain/types.js';

/** Slack shows about 4,000 characters of a message before cutting it: a page stays below. */
export const CATALOG_PAGE_MAX = 3500;

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function roleLine(app: CatalogApp, role: CatalogRole): string {
  const groups = app.provider === 'manual' ? 'no groups (done by hand)' : `groups ${role.groups.map(code).join(', ')}`;
  const approval = role.approval.kind === 'auto' ? 'approval auto' : `approval ${role.approval.stages.map(stageToString).join(' → ')}`;
  const time = isTimeBound(role)
    ? `${(role.durationsMs ?? []).map(formatDurationSpec).join(', ')}${role.maxDurationMs !== undefined ? ` (max ${formatDurationSpec(role.maxDurationMs)})` : ''}${role.extend ? `, extensions ${role.extend}` : ''}`
    : 'standing';
  const extra = [role.fallback ? `fallback ${role.fallback}` : '', role.distinctApprovers === false ? 'one person may decide several stages' : ''].filter(Boolean);
  return `• ${code(role.id)} ${escapeMrkdwn(role.name)}: ${groups}; ${approval}; ${time}${extra.length > 0 ? `; ${extra.join('; ')}` : ''}`;
}

/** One app: its line, then a line per role. */
export function catalogAppText(app: CatalogApp): string {
  const facts = [
    app.provider,
    `owner ${escapeMrkdwn(app.owner)}`,
    app.fallback ? `fallback ${app.fallback}` : '',
    app.category ? escapeMrkdwn(app.category) : '',
    app.fulfillers && app.fulfillers.length > 0 ? `fulfillers ${app.fulfillers.map(escapeMrkdwn).join(', ')}` : '',
    app.signInApp ? `sign-ins from ${code(app.signInApp)}` : '',
  ].filter(Boolean);
  return [`*${escapeMrkdwn(app.name)}* ${code(app.id)}: ${facts.join(', ')}`, ...app.roles.map((role) => roleLine(app, role))].join('\n').slice(0, CATALOG_PAGE_MAX);
}

function approverGroupsText(catalog: Catalog): string {
  const entries = Object.entries(catalog.approverGroups);
  if (entries.length === 0) return '*Approver groups*: none';
  return ['*Approver groups*', ...entries.map(([name, people]) => `• ${code(name)}: ${people.map(escapeMrkdwn).join(', ') || 'nobody'}`)].join('\n').slice(0, CATALOG_PAGE_MAX);
}

/**
 * The catalog as pages: each app whole on one page (apps in catalog order), the approver groups last. Each
 * page starts with where it is in the whole and ends with how to see the next.
 */
export function catalogPages(catalog: Catalog): string[] {
  const chunks = [...catalog.apps.map(catalogAppText), approverGroupsText(catalog)];
  const bodies: string[][] = [[]];
  let length = 0;
  for (const chunk of chunks) {
    const current = bodies[bodies.length - 1] ?? [];
    if (current.length > 0 && length + chunk.length + 1 > CATALOG_PAGE_MAX) {
      bodies.push([chunk]);
      length = chunk.length;
    } else {
      current.push(chunk);
      length += chunk.length + 1;
    }
  }
  const roles = catalog.apps.reduce((n, app) => n + app.roles.length, 0);
  return bodies.map((body, i) => {
    const head = `*Catalog* (page ${i + 1} of ${bodies.length}): ${catalog.apps.length} apps, ${roles} roles${catalog.source ? ` from ${code(catalog.source.file)}` : ''}.`;
    const next = i + 1 < bodies.length ? `Next: \`/access-admin catalog ${i + 2}\`. One app: \`/access-admin catalog <app>\`.` : 'One app: `/access-admin catalog <app>`.';
    return [head, ...body, next].join('\n');
  });
}
