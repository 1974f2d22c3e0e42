/**
 * `/access-admin catalog`: the catalog in force in pages Slack shows whole, one app on its own, and
 * `catalog validate [path]`, which checks a file as start-up and reload do (file, line, field; groups in the
 * providers) and puts nothing in force.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CATALOG_PAGE_MAX } from '../../src/slack/blocks/catalog-pages.js';
import { Harness, startFakes, stopCheckingFakes } from '../support/harness.js';
import { PEOPLE, TEST_CATALOG } from '../support/people.js';

const { ada, priya } = PEOPLE;

/** 60 apps of two roles each, their groups in Okta: more than one page. */
function bigCatalog(): { yaml: string; groups: string[] } {
  const groups: string[] = [];
  const apps = Array.from({ length: 60 }, (_, i) => {
    const id = `app${String(i).padStart(2, '0')}`;
    groups.push(`00g${id}r`, `00g${id}w`);
    return `  - id: ${id}
    name: Application number ${i}
    description: App ${i}
    owner: owen@acme.com
    provider: okta
    roles:
      - { id: read, name: Reader, description: Reads, groups: [00g${id}r], approval: auto }
      - { id: write, name: Writer, description: Writes, groups: [00g${id}w], approval: [manager, owner], durations: [1h, 4h], maxDuration: 1d }
`;
  });
  return { yaml: `version: 1\napproverGroups:\n  security: [sara@acme.com]\napps:\n${apps.join('')}`, groups };
}

describe('/access-admin catalog', () => {
  let h: Harness | undefined;
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'keycard-catalog-'));
  });
  afterEach(async () => {
    await stopCheckingFakes(h);
    h = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows apps, roles, groups, approvals and durations, and one app on its own', async () => {
    h = await Harness.start();

    const all = await h.driver.command(ada.slackId, '/access-admin', 'catalog');
    const one = await h.driver.command(ada.slackId, '/access-admin', 'catalog salesforce');
    const typo = await h.driver.command(ada.slackId, '/access-admin', 'catalog salesfroce');

    const text = JSON.parse(all.body).text as string;
    expect(text).toContain('*Catalog* (page 1 of 1): 3 apps, 4 roles from `test-catalog.yaml`.');
    expect(text).toContain('*Salesforce* `salesforce`: okta, owner owen@acme.com, Sales');
    expect(text).toContain('• `viewer` Viewer: groups `00g1viewer`; approval auto; standing');
    expect(text).toContain('• `admin` System Admin: groups `00g1admin`, `00g1audit`; approval manager → owner; 1h, 6h, 24h (max 7d)');
    expect(text).toContain('• `write` Write: groups `00g2write`; approval group:security; standing');
    expect(text).toContain('• `security`: sara@acme.com, sam@acme.com');
    const app = JSON.parse(one.body).text as string;
    expect(app).toContain('*Salesforce* `salesforce`');
    expect(app).not.toContain('GitHub');
    expect(JSON.parse(typo.body).text).toContain("No app 'salesfroce' in the catalog. Did you mean: salesforce?");
  });

  it('pages a large catalog within what Slack shows, each app whole on one page', async () => {
    const big = bigCatalog();
    const fakes = await startFakes();
    for (const group of big.groups) fakes.okta.addGroup({ id: group, name: group });
    h = await Harness.start({ fakes, catalogYaml: big.yaml });

    const first = JSON.parse((await h.driver.command(ada.slackId, '/access-admin', 'catalog')).body).text as string;
    const count = Number(/page 1 of (\d+)/.exec(first)?.[1]);
    const pages = [first];
    for (let page = 2; page <= count; page += 1) pages.push(JSON.parse((await h.driver.command(ada.slackId, '/access-admin', `catalog ${page}`)).body).text as string);
    const beyond = JSON.parse((await h.driver.command(ada.slackId, '/access-admin', `catalog ${count + 1}`)).body).text as string;

    expect(count).toBeGreaterThan(1);
    for (const page of pages) expect(page.length).toBeLessThanOrEqual(CATALOG_PAGE_MAX + 300);
    for (let i = 0; i < 60; i += 1) {
      const id = `app${String(i).padStart(2, '0')}`;
      expect(pages.filter((p) => p.includes(`\`${id}\``))).toHaveLength(1);
      expect(pages.find((p) => p.includes(`\`${id}\``))).toContain(`groups \`00g${id}w\`; approval manager → owner; 1h, 4h (max 24h)`);
    }
    expect(pages[0]).toContain(`Next: \`/access-admin catalog 2\``);
    expect(pages.at(-1)).toContain('*Approver groups*');
    expect(beyond).toContain(`There are ${count} pages of the catalog`);
  });

  it('validates a file without loading it: a good one, one with errors as start-up words them, a missing group, CATALOG_PATH by default', async () => {
    const good = join(dir, 'good.yaml');
    const bad = join(dir, 'bad.yaml');
    const ghost = join(dir, 'ghost.yaml');
    writeFileSync(good, TEST_CATALOG);
    const badYaml = TEST_CATALOG.replace('    provider: okta\n    roles:\n      - id: write', '    provider: oktaa\n    roles:\n      - id: write');
    writeFileSync(bad, badYaml);
    writeFileSync(ghost, TEST_CATALOG.replace('groups: [00g2write]', 'groups: [00g2write, 00g9ghost]'));
    h = await Harness.start({ env: { CATALOG_PATH: good } });
    const before = h.keycard.deps.catalog();

    for (const args of [`catalog validate ${bad}`, `catalog validate ${ghost}`, 'catalog validate', `catalog validate ${join(dir, 'secrets.env')}`]) {
      const ack = await h.driver.command(ada.slackId, '/access-admin', args);
      expect(ack.body).toContain('nothing is loaded');
      await h.settle();
    }

    const [badAnswer, ghostAnswer, goodAnswer, notYaml] = h.slack.ephemerals(ada.slackId).map((e) => e.text);
    const badLine = badYaml.split('\n').findIndex((l) => l.includes('oktaa')) + 1;
    expect(badAnswer).toContain(`${bad} is not a catalog Keycard would load`);
    expect(badAnswer).toContain(`${bad}:${badLine} apps[1].provider: unknown provider 'oktaa'; allowed: okta, entra, google, manual`);
    const ghostLine = TEST_CATALOG.split('\n').findIndex((l) => l.includes('00g2write')) + 1;
    expect(ghostAnswer).toContain(`${ghost}:${ghostLine} apps[1].roles[0].groups: okta has no group '00g9ghost' (app github, role write)`);
    expect(goodAnswer).toContain(`${good} is a valid catalog: 3 apps, 4 roles, every group exists in its provider. Nothing was loaded: \`/access-admin catalog reload\` puts it in force.`);
    expect(notYaml).toContain('only a catalog file ending .yaml or .yml can be validated');
    expect(h.keycard.deps.catalog()).toBe(before);
    const audited = h.store.audit.all().filter((e) => e.action.startsWith('catalog.valid'));
    expect(audited.map((e) => [e.action, e.data['path']])).toEqual([
      ['catalog.validation_failed', bad],
      ['catalog.validation_failed', ghost],
      ['catalog.validated', good],
      ['catalog.validation_failed', join(dir, 'secrets.env')],
    ]);
  });

  it('answers bad arguments with the usage, and refuses (and audits) someone who is not an admin', async () => {
    h = await Harness.start();

    const bad = await h.driver.command(ada.slackId, '/access-admin', 'catalog validate a.yaml b.yaml');
    const refused = await h.driver.command(priya.slackId, '/access-admin', 'catalog validate');
    const refusedList = await h.driver.command(priya.slackId, '/access-admin', 'catalog');

    expect(bad.body).toContain('Usage: `/access-admin catalog [page | <app>]`');
    for (const answer of [refused, refusedList]) expect(answer.body).toContain('`/access-admin` is for Keycard admins');
    expect(h.store.audit.all().filter((e) => e.action === 'admin.refused').map((e) => e.data)).toEqual([{ text: 'catalog validate' }, { text: 'catalog' }]);
  });
});
