/**
 * "Never leave access behind": a catalog role that names a group its provider does not have is caught
 * before anyone can request it, at start-up and on `/access-admin catalog reload`, with the file, line,
 * app, role and group named.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Harness, startFakes, stopFakes, type Fakes } from '../support/harness.js';
import { PEOPLE, TEST_CATALOG } from '../support/people.js';

const { ada } = PEOPLE;

/** The test catalog plus an app whose Okta group was deleted (or mistyped). */
const GHOST_CATALOG = `${TEST_CATALOG}  - id: ghost
    name: Ghost
    description: An app whose Okta group was deleted
    owner: owen@acme.com
    provider: okta
    roles:
      - id: user
        name: User
        description: Everyday use
        groups:
          - 00g1viewer
          - 00g9ghost
        approval: auto
`;
const GHOST_LINE = GHOST_CATALOG.split('\n').findIndex((line) => line.includes('00g9ghost')) + 1;
const GHOST_APP_INDEX = (TEST_CATALOG.match(/^ {2}- id: /gm) ?? []).length;
const GHOST_FIELD = `apps[${GHOST_APP_INDEX}].roles[0].groups`;

describe('catalog groups that do not exist', () => {
  let dir: string;
  let fakes: Fakes | undefined;
  let h: Harness | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'keycard-groups-'));
  });
  afterEach(async () => {
    if (h) await h.stop({ keepFakes: Boolean(fakes) });
    if (fakes) await stopFakes(fakes);
    h = undefined;
    fakes = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to start, naming file, line, app, role and group; starts with KEYCARD_MISSING_GROUPS=warn', async () => {
    fakes = await startFakes();

    const refused = await Harness.start({ fakes, catalogYaml: GHOST_CATALOG, databasePath: join(dir, 'refused.db') }).catch((e: unknown) => e);
    h = await Harness.start({ fakes, catalogYaml: GHOST_CATALOG, databasePath: join(dir, 'warned.db'), env: { KEYCARD_MISSING_GROUPS: 'warn' } });

    expect(refused).toBeInstanceOf(Error);
    const message = (refused as Error).message;
    expect(message).toContain('Keycard start-up checks failed');
    expect(message).toContain(`test-catalog.yaml:${GHOST_LINE} ${GHOST_FIELD}: okta has no group '00g9ghost' (app ghost, role user)`);
    expect(message).not.toContain("'00g1viewer'");
    expect(message).toContain('KEYCARD_MISSING_GROUPS=warn');
    expect(h.keycard.deps.catalog().apps.map((a) => a.id)).toContain('ghost');
    // One listing of Okta's groups per start, not one call per catalog group.
    expect(fakes.okta.callsTo('GET', '/api/v1/groups')).toHaveLength(2);
    expect(fakes.okta.callsTo('GET', /^\/api\/v1\/groups\/[^/]+$/)).toEqual([]);
  });

  it('refuses a reload naming the missing group, keeps the last good catalog, and accepts it once the group exists', async () => {
    const catalogPath = join(dir, 'catalog.yaml');
    writeFileSync(catalogPath, TEST_CATALOG);
    h = await Harness.start({ env: { CATALOG_PATH: catalogPath } });
    const appsBefore = h.keycard.deps.catalog().apps.map((a) => a.id);
    writeFileSync(catalogPath, GHOST_CATALOG);

    const ack = await h.driver.command(ada.slackId, '/access-admin', 'catalog reload');
    await h.settle();

    expect(ack.status).toBe(200);
    const [answer] = h.slack.ephemerals(ada.slackId).map((e) => e.text);
    expect(answer).toContain('The catalog was not reloaded; the last good one stays in force');
    expect(answer).toContain(`${catalogPath}:${GHOST_LINE} ${GHOST_FIELD}: okta has no group '00g9ghost' (app ghost, role user)`);
    expect(h.keycard.deps.catalog().apps.map((a) => a.id)).toEqual(appsBefore);
    const request = await h.driver.command(PEOPLE.priya.slackId, '/request', 'ghost user');
    expect(request.body).toContain("No app 'ghost'");
    expect(h.store.audit.verify().ok).toBe(true);

    h.okta.addGroup({ id: '00g9ghost', name: 'ghost-users' });
    await h.driver.command(ada.slackId, '/access-admin', 'catalog reload');
    await h.settle();

    expect(h.slack.ephemerals(ada.slackId).at(-1)?.text).toContain(`Catalog reloaded: ${appsBefore.length + 1} apps`);
    expect(h.keycard.deps.catalog().apps.map((a) => a.id)).toContain('ghost');
  });
});
