/**
 * The auto reclaim scenarios' world: Figma on Okta with an Editor (approved by the manager) and a Viewer
 * (auto) sharing a group, under a reclaim policy; helpers to grant, sign in, scan and click.
 */
import { expect } from 'vitest';
import { RECLAIM_ACTIONS_BLOCK } from '../../src/slack/blocks/reclaim.js';
import type { ReclaimCaseRow } from '../../src/store/reclaim.repo.js';
import type { StoredMessage } from '../fakes/slack.js';
import { Harness, startFakes, type ExtraProvider } from './harness.js';
import { PEOPLE, TEST_CATALOG, type PersonKey } from './people.js';

export const DAY = 24 * 3600_000;
export const FIGMA_GROUPS = ['00g4editor', '00g4viewer', '00g4shared'] as const;

export interface FigmaOptions {
  readonly action?: string;
  readonly extra?: readonly string[];
  readonly exclude?: string;
}

/** The catalog: the test catalog with an `execs` group (Sam) and Figma under a reclaim policy. */
export function reclaimCatalog(options: FigmaOptions = {}): string {
  const base = TEST_CATALOG.replace('approverGroups:\n', 'approverGroups:\n  execs: [sam@acme.com]\n');
  return `${base}  - id: figma
    name: Figma
    description: Design files
    owner: owen@acme.com
    provider: okta
    signInApp: 0oaFIGMA
    reclaim:
      inactiveAfter: 30d
      grace: 7d
      exclude: ${options.exclude ?? '[group:execs, user:sara@acme.com]'}
      action: ${options.action ?? 'revoke'}
      seatCost: 25
${(options.extra ?? []).map((l) => `      ${l}\n`).join('')}    roles:
      - id: editor
        name: Editor
        description: Edit design files
        groups: [00g4editor, 00g4shared]
        approval: [manager]
      - id: viewer
        name: Viewer
        description: View design files
        groups: [00g4viewer, 00g4shared]
        approval: auto
`;
}

export async function startReclaim(options: FigmaOptions & { catalogYaml?: string; providers?: readonly ExtraProvider[]; env?: Record<string, string> } = {}): Promise<Harness> {
  const fakes = await startFakes(options.providers ?? []);
  for (const group of FIGMA_GROUPS) fakes.okta.addGroup({ id: group, name: group });
  return Harness.start({ fakes, catalogYaml: options.catalogYaml ?? reclaimCatalog(options), ...(options.env ? { env: options.env } : {}) });
}

/** `person` asks for Figma Editor and their manager (Marco) approves it. */
export async function grantEditor(h: Harness, person: PersonKey): Promise<void> {
  await h.driver.command(PEOPLE[person].slackId, '/request', 'figma editor keeping the design system current');
  await h.drain();
  await h.approve('marco');
  await h.drain();
  expect(h.okta.isMember('00g4editor', PEOPLE[person].oktaId)).toBe(true);
}

/** A successful sign-in to Figma `daysAgo` days before the harness clock. */
export function signIn(h: Harness, person: PersonKey, daysAgo: number, app = '0oaFIGMA'): void {
  h.okta.addLogEvent({ eventType: 'user.authentication.sso', actorId: PEOPLE[person].oktaId, targetId: app, published: new Date(h.clock.now().getTime() - daysAgo * DAY).toISOString() });
}

/** An admin runs a scan now; everything it queues (DMs, the Jira issue) settles. */
export async function scan(h: Harness, app = 'figma'): Promise<string> {
  const answer = await h.driver.command(PEOPLE.ada.slackId, '/access-admin', `reclaim run ${app}`);
  // Settle, not drain: each warning's removal waits, pending, for the end of its grace period.
  await h.settle();
  return answer.body;
}

export function caseOf(h: Harness, person: PersonKey, roleId = 'editor'): ReclaimCaseRow {
  const found = h.store.reclaim.casesOfApp('figma').filter((c) => c.idpUserId === PEOPLE[person].oktaId && c.roleId === roleId).at(-1);
  if (!found) throw new Error(`no reclaim case for ${person}`);
  return found;
}

/** The person's reclaim DMs (warnings and results), oldest first. */
export function reclaimDms(h: Harness, person: PersonKey): StoredMessage[] {
  return h.slack.dms(PEOPLE[person].slackId).filter((m) => JSON.stringify(m.history[0]?.blocks ?? m.blocks ?? []).includes('reclaim_'));
}

/** Buttons a message offers now, by label. */
export function buttonsOf(message: StoredMessage | undefined): string[] {
  const blocks = (message?.blocks ?? []) as Array<{ block_id?: string; elements?: Array<{ text?: { text?: string } }> }>;
  return blocks.filter((b) => b.block_id === RECLAIM_ACTIONS_BLOCK).flatMap((b) => (b.elements ?? []).map((e) => e.text?.text ?? ''));
}

/**
 * A click on a reclaim button of `person`'s DM; `as` someone else, the same click forged from another account
 * (Slack would not show them the message); `stale`, a click on a button the DM no longer shows (an old copy).
 */
export async function click(h: Harness, person: PersonKey, message: StoredMessage, actionId: string, as: PersonKey = person, stale?: { caseId: number }): Promise<void> {
  const forged = as !== person || stale !== undefined;
  await h.driver.clickButton(PEOPLE[as].slackId, { actionId, blockId: RECLAIM_ACTIONS_BLOCK, container: { message: { channel: message.channel, ts: message.ts } }, force: forged, ...(stale ? { value: String(stale.caseId) } : {}) });
  await h.settle();
}

/** The newest answer only the person sees (an ephemeral, or a respond() to their command or click). */
export function lastAnswer(h: Harness, person: PersonKey): string {
  const ephemeral = h.slack.ephemerals(PEOPLE[person].slackId).at(-1)?.text ?? '';
  return ephemeral;
}
