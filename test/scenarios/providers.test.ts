/**
 * The request journey on Microsoft Entra ID and on Google Workspace through the real app and the real SDK
 * clients: /request → the manager (from that directory's profile) approves → group membership in the
 * directory's fake → Jira → expiry removes it. And one catalog mixing Okta, Entra, Google and a manual app.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { blocksText } from '../fakes/block-kit.js';
import { Harness } from '../support/harness.js';
import { PEOPLE, TEST_CATALOG, figmaManualApp } from '../support/people.js';

const { priya, marco, sam } = PEOPLE;

const SIX_HOURS = 6 * 60 * 60_000;

const ENTRA_APP = `  - id: powerbi
    name: Power BI
    description: Dashboards
    owner: owen@acme.com
    provider: entra
    roles:
      - id: admin
        name: Workspace Admin
        description: Manage workspaces
        groups: [e-sales-admin, e-sales-audit]
        approval: [manager]
        durations: [1h, 6h]
`;

const GOOGLE_APP = `  - id: drive
    name: Shared Drive
    description: Finance shared drive
    owner: owen@acme.com
    provider: google
    roles:
      - id: admin
        name: Drive Admin
        description: Manage the shared drive
        groups: [drive-admin@acme.com]
        approval: [manager]
        durations: [1h, 6h]
`;

const MANUAL_APP = figmaManualApp('auto');

function catalogWith(...apps: string[]): string {
  return `version: 1\napps:\n${apps.join('')}`;
}

describe('the access loop on Entra ID and Google Workspace', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('grants an Entra role after the Graph manager approves, and removes it when it expires', async () => {
    h = await Harness.start({ providers: ['entra'], catalogYaml: catalogWith(ENTRA_APP) });

    await h.driver.command(priya.slackId, '/request', 'powerbi admin 6h quarterly close dashboards');
    await h.settle();

    const [issue] = h.jira.issues();
    expect(issue?.summary).toBe('Access request: Priya Shah → Power BI / Workspace Admin');
    expect(h.graph.callsTo('GET', `/v1.0/users/${priya.entraId}/manager`).length).toBeGreaterThan(0);
    expect(blocksText(h.card('marco')!.blocks)).toContain('Data Engineer, Data');
    expect(h.graph.isMember('e-sales-admin', priya.entraId)).toBe(false);

    await h.approve('marco');

    expect(h.graph.members('e-sales-admin')).toEqual([priya.entraId]);
    expect(h.graph.members('e-sales-audit')).toEqual([priya.entraId]);
    expect(h.jira.comments(issue!.key).some((c) => c.includes('Added Priya Shah (priya@acme.com) to entra groups e-sales-admin, e-sales-audit at 2026-01-06 14:00 UTC'))).toBe(true);
    expect(h.lastDm('priya')?.text).toContain('You now have *Power BI / Workspace Admin*');

    h.clock.advance(SIX_HOURS);
    h.keycard.schedules.runAll();
    await h.settle();

    expect(h.graph.members('e-sales-admin')).toEqual([]);
    expect(h.graph.members('e-sales-audit')).toEqual([]);
    expect(h.jira.comments(issue!.key).at(-1)).toContain('Access ended (expired) at 2026-01-06 20:00 UTC after 6h');
    expect(h.store.requests.get(1)?.status).toBe('expired');
    expect(h.graph.callsTo('POST', '/acme-tenant/oauth2/v2.0/token').length).toBeGreaterThan(0);
    h.graph.assertNoUnexpected();
    expect(h.store.audit.verify().ok).toBe(true);
  });

  it('grants a Google group after the manager from relations approves, and removes it when it expires', async () => {
    h = await Harness.start({ providers: ['google'], catalogYaml: catalogWith(GOOGLE_APP) });

    await h.driver.command(priya.slackId, '/request', 'drive admin 6h restructuring the finance drive');
    await h.settle();

    const [issue] = h.jira.issues();
    expect(issue?.summary).toBe('Access request: Priya Shah → Shared Drive / Drive Admin');
    expect(blocksText(h.card('marco')!.blocks)).toContain('Data Engineer, Data');
    expect(h.google.isMember('drive-admin@acme.com', priya.googleId)).toBe(false);

    await h.approve('marco');

    expect(h.google.members('drive-admin@acme.com')).toEqual([priya.googleId]);
    expect(h.jira.comments(issue!.key).some((c) => c.includes('Added Priya Shah (priya@acme.com) to google group drive-admin@acme.com at 2026-01-06 14:00 UTC'))).toBe(true);
    expect(h.lastDm('priya')?.text).toContain('You now have *Shared Drive / Drive Admin*');

    h.clock.advance(SIX_HOURS);
    h.keycard.schedules.runAll();
    await h.settle();

    expect(h.google.members('drive-admin@acme.com')).toEqual([]);
    expect(h.jira.comments(issue!.key).at(-1)).toContain('Access ended (expired) at 2026-01-06 20:00 UTC after 6h');
    expect(h.store.requests.get(1)?.status).toBe('expired');
    expect(h.google.callsTo('POST', '/token').length).toBeGreaterThan(0);
    h.google.assertNoUnexpected();
    expect(h.store.audit.verify().ok).toBe(true);
  });

  it('sends each app of a catalog mixing Okta, Entra, Google and manual apps to its own provider', async () => {
    h = await Harness.start({ providers: ['entra', 'google'], catalogYaml: `${TEST_CATALOG}${ENTRA_APP}${GOOGLE_APP}${MANUAL_APP}` });

    await h.driver.command(priya.slackId, '/request', 'salesforce viewer');
    await h.driver.command(priya.slackId, '/request', 'powerbi admin 6h quarterly close dashboards');
    await h.driver.command(priya.slackId, '/request', 'drive admin 6h restructuring the finance drive');
    await h.driver.command(priya.slackId, '/request', 'figma editor');
    await h.settle();
    for (const card of h.slack.dms(marco.slackId)) {
      await h.driver.clickButton(marco.slackId, { actionId: 'approval_approve', blockId: 'approval_actions', container: { message: { channel: card.channel, ts: card.ts } } });
    }
    await h.settle();

    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(true);
    expect(h.graph.members('e-sales-admin')).toEqual([priya.entraId]);
    expect(h.google.members('drive-admin@acme.com')).toEqual([priya.googleId]);
    expect(h.okta.calls.some((c) => c.path.includes('e-sales') || c.path.includes('drive-admin'))).toBe(false);
    expect(h.graph.calls.some((c) => c.path.includes('00g1') || c.path.includes('drive-admin'))).toBe(false);
    expect(h.google.calls.some((c) => c.path.includes('00g1') || c.path.includes('e-sales'))).toBe(false);
    expect([1, 2, 3, 4].map((id) => [h!.store.requests.get(id)?.appId, h!.store.requests.get(id)?.status])).toEqual([
      ['salesforce', 'active'],
      ['powerbi', 'active'],
      ['drive', 'active'],
      ['figma', 'awaiting_fulfilment'],
    ]);
    expect(h.slack.messages('CALERTS').some((m) => JSON.stringify(m.blocks ?? []).includes('task_actions'))).toBe(true);
    expect(h.slack.dms(sam.slackId)).toEqual([]);
  });
});
