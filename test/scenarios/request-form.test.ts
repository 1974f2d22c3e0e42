/**
 * The empty `/request` form is built once per catalog in force (it is the hot path under bursts of
 * commands): a catalog put in force later must show in the next form, never a stale copy.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { APP_BLOCK } from '../../src/slack/blocks/request-modal.js';
import { Harness, testCatalog } from '../support/harness.js';
import { PEOPLE, TEST_CATALOG } from '../support/people.js';
import type { SlackView } from '../fakes/slack.js';

const { priya, marco, ada } = PEOPLE;

const EXTRA_APP = `  - id: figma
    name: Figma
    description: Design files
    owner: owen@acme.com
    provider: manual
    roles:
      - id: editor
        name: Editor
        description: Edit design files
        groups: []
        approval: auto
`;

/** The app ids the form's app picker offers. */
function offeredApps(view: SlackView | undefined): string[] {
  const picker = view?.blocks.find((b) => b.block_id === APP_BLOCK) as { element?: { option_groups?: Array<{ options: Array<{ value: string }> }> } } | undefined;
  return (picker?.element?.option_groups ?? []).flatMap((g) => g.options.map((o) => o.value)).sort();
}

describe('the /request form', () => {
  let h: Harness;

  afterEach(async () => {
    await h.stop();
  });

  it('offers the apps of the catalog in force, also after a new catalog is put in force', async () => {
    h = await Harness.start();
    await h.driver.command(priya.slackId, '/request', '');
    await h.settle();
    const before = offeredApps(h.slack.openViews(priya.slackId)[0]);

    h.keycard.setCatalog(testCatalog(`${TEST_CATALOG}${EXTRA_APP}`));
    await h.driver.command(marco.slackId, '/request', '');
    await h.driver.command(ada.slackId, '/request', '');
    await h.settle();

    expect(before).toEqual(h.keycard.deps.catalog().apps.filter((a) => a.id !== 'figma').map((a) => a.id).sort());
    expect(offeredApps(h.slack.openViews(marco.slackId)[0])).toEqual([...before, 'figma'].sort());
    expect(offeredApps(h.slack.openViews(ada.slackId)[0])).toEqual([...before, 'figma'].sort());
    expect(h.slack.rejections).toEqual([]);
  });
});
