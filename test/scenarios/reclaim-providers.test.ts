/**
 * Auto reclaim on Microsoft Entra ID and Google Workspace through their real SDK clients and fakes: a
 * tenant without Entra ID P1 gives no sign-in data (the preview says "no telemetry" and nobody is warned);
 * with it, the app's own sign-in log decides; a Google app without `signInApp` is judged by the last
 * sign-in anywhere only because its policy allows it, and the removal goes to Google.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, stopCheckingFakes } from '../support/harness.js';
import { PEOPLE, TEST_CATALOG } from '../support/people.js';
import { DAY, lastAnswer, reclaimDms } from '../support/reclaim-world.js';

const { priya, eve, marco, ada } = PEOPLE;

const CATALOG = `${TEST_CATALOG}  - id: powerbi
    name: Power BI
    description: Dashboards
    owner: owen@acme.com
    provider: entra
    signInApp: app-powerbi
    reclaim: { inactiveAfter: 30d, grace: 7d, action: revoke, seatCost: 10 }
    roles:
      - id: admin
        name: Workspace Admin
        description: Manage workspaces
        groups: [e-sales-admin]
        approval: [manager]
  - id: drive
    name: Finance Drive
    description: Finance shared drive
    owner: owen@acme.com
    provider: google
    reclaim: { inactiveAfter: 60d, grace: 7d, action: revoke, useOverallSignIn: true }
    roles:
      - id: editor
        name: Editor
        description: Edit the shared drive
        groups: [drive-admin@acme.com]
        approval: [manager]
`;

async function preview(h: Harness, app: string): Promise<string> {
  await h.driver.command(ada.slackId, '/access-admin', `reclaim preview ${app}`);
  await h.settle();
  return lastAnswer(h, 'ada');
}

describe('auto reclaim on Entra ID and Google Workspace', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await stopCheckingFakes(h);
    h = undefined;
  });

  it('Entra without P1: no telemetry, nothing automatic; with it, the app\'s own sign-in log decides', async () => {
    h = await Harness.start({ providers: ['entra', 'google'], catalogYaml: CATALOG });
    h.graph.addMember('e-sales-admin', marco.entraId);
    h.graph.addMember('e-sales-admin', eve.entraId);
    h.graph.setSignInActivityAvailable(false);

    const blind = await preview(h, 'powerbi');
    await h.driver.command(ada.slackId, '/access-admin', 'reclaim run powerbi');
    await h.settle();

    expect(blind).toContain(':no_entry_sign: *No telemetry*: needs Entra ID P1');
    expect(blind).toContain('Nothing is reclaimed automatically here.');
    expect(blind).toContain('• Would be warned now: 0');
    expect(h.store.reclaim.casesOfApp('powerbi')).toEqual([]);
    expect(h.store.reclaim.run(1)).toMatchObject({ status: 'done', members: 2, warned: 0, noTelemetry: 2 });

    h.graph.setSignInActivityAvailable(true);
    h.graph.addSignIn({ userId: marco.entraId, appId: 'app-powerbi', createdDateTime: new Date(h.clock.now().getTime() - 3 * DAY).toISOString() });
    await h.driver.command(ada.slackId, '/access-admin', 'reclaim run powerbi');
    await h.settle();

    expect(h.store.reclaim.casesOfApp('powerbi').map((c) => `${c.email} ${c.lastSignInScope}`)).toEqual(['eve@acme.com app']);
    expect(reclaimDms(h, 'eve')[0]?.text).toContain('Keycard finds no sign-in of yours to Power BI (Workspace Admin) on record. It will be removed on Jan 13 unless you keep it.');
    await h.settle(7 * DAY);
    await h.drain();
    expect(h.graph.isMember('e-sales-admin', eve.entraId)).toBe(false);
    expect(h.graph.isMember('e-sales-admin', marco.entraId)).toBe(true);
  });

  it('Google without signInApp: judged by the last sign-in anywhere, as the policy allows, and removed in Google', async () => {
    h = await Harness.start({ providers: ['entra', 'google'], catalogYaml: CATALOG });
    const ago = (days: number) => new Date(h!.clock.now().getTime() - days * DAY).toISOString();
    h.google.addUser({ id: priya.googleId, primaryEmail: priya.email, givenName: 'Priya', familyName: 'Shah', lastLoginTime: ago(90) });
    h.google.addUser({ id: eve.googleId, primaryEmail: eve.email, givenName: 'Eve', familyName: 'Stone', lastLoginTime: ago(5) });
    h.google.addMember('drive-admin@acme.com', priya.googleId);
    h.google.addMember('drive-admin@acme.com', eve.googleId);

    const text = await preview(h, 'drive');

    expect(text).toContain('Judged by the last sign-in anywhere (useOverallSignIn); 2 members read.');
    expect(text).toContain('• Would be warned now: 1: Priya Shah (last sign-in Oct 8, 2025)');
    expect(text).toContain('• Monthly cost freed: not known (no seatCost in the catalog); 1 seat');

    await h.driver.command(ada.slackId, '/access-admin', 'reclaim run drive');
    await h.settle();
    expect(reclaimDms(h, 'priya')[0]?.text).toContain("You haven't signed in anywhere since Oct 8, 2025, so *Finance Drive (Editor)* looks unused".replace(/\*/g, ''));
    await h.settle(7 * DAY);
    await h.drain();
    expect(h.google.isMember('drive-admin@acme.com', priya.googleId)).toBe(false);
    expect(h.google.isMember('drive-admin@acme.com', eve.googleId)).toBe(true);
    expect(h.store.reclaim.casesOfApp('drive').map((c) => `${c.email} ${c.status} ${c.lastSignInScope}`)).toEqual(['priya@acme.com reclaimed overall']);
  });
});
