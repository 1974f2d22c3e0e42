/**
 * A one-line /request whose justification is longer than the form's field: the form still opens, with the
 * text cut to the limit and a notice that says so, and the whole text comes back in an ephemeral message.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { JUSTIFICATION_ACTION, JUSTIFICATION_BLOCK } from '../../src/slack/blocks/request-modal.js';
import { Harness } from '../support/harness.js';
import { PEOPLE } from '../support/people.js';

const { priya } = PEOPLE;

/** 1,200 characters of ordinary prose. */
const LONG = `${'The nightly pipeline sync broke after the schema change and I need admin to repair the mappings. '.repeat(13).slice(0, 1199)}.`;

describe('a justification longer than the form takes', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('opens the form with the text clipped to the limit, says so, and sends the full text back', async () => {
    h = await Harness.start();
    expect(LONG).toHaveLength(1200);

    const answer = await h.driver.command(priya.slackId, '/request', `salesforce admin 6h ${LONG}`);
    await h.settle();

    expect(h.slack.rejections).toEqual([]);
    expect(answer.json).toMatchObject({ response_type: 'ephemeral' });
    const ephemeral = (answer.json as { text: string }).text;
    expect(ephemeral).toContain('1,200 characters');
    expect(ephemeral).toContain('1,000');
    expect(ephemeral).toContain(LONG);
    const [modal] = h.slack.openViews(priya.slackId);
    expect(modal).toBeDefined();
    const input = modal!.blocks.find((b) => b['block_id'] === JUSTIFICATION_BLOCK)?.['element'] as Record<string, unknown> | undefined;
    expect(input?.['action_id']).toBe(JUSTIFICATION_ACTION);
    expect(input?.['initial_value']).toBe(LONG.slice(0, 1000));
    const notice = JSON.stringify(modal!.blocks[0]);
    expect(notice).toContain('1,200 characters');
    expect(notice).toContain('the limit is 1,000');
    expect(h.store.requests.get(1)).toBeUndefined();
  });
});
