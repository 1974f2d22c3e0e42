/**
 * The demo's renderer (test/demo/render.ts) shows a whole message as a person reads it: every block of a
 * real approval card (role, duration, reason and the buttons, which the old demo cut off), names for
 * mentions, emoji drawn, no terminal codes unless on a TTY; and the HTML draws the same card with its
 * fields and buttons and no raw Slack markup. No Chromium here: `npm run demo:check` does that.
 */
import { describe, expect, it } from 'vitest';
import { buildApprovalCardBlocks } from '../../src/slack/blocks/approval-card.js';
import type { ApprovalCard } from '../../src/workflows/shared/ports.js';
import { journeyHtml, shownAsText, terminalStyle, type Names, type Shown } from '../demo/render.js';

const CARD: ApprovalCard = {
  requestId: 7,
  stepId: 3,
  requesterSlackId: 'UPRIYA',
  requesterName: 'Priya Shah',
  requesterTitle: 'Data Engineer',
  requesterDepartment: 'Data',
  appName: 'Salesforce',
  roleName: 'System Admin',
  roleDescription: 'Full administration',
  groups: ['00g1admin'],
  durationText: '6h',
  justification: 'fixing the pipeline sync',
  jiraKey: 'ACCESS-7',
  jiraUrl: 'https://acme.atlassian.net/browse/ACCESS-7',
  stageText: 'Stage 1 of 2: ',
  stagePersonSlackId: 'UMARCO',
  escalationReason: null,
  outcome: null,
};

const NAMES: Names = (id) => ({ UPRIYA: 'Priya Shah', UMARCO: 'Marco Rossi' })[id];

function shown(): Shown {
  return { step: '2. Approval', who: 'Marco Rossi', kind: 'message', text: '', blocks: buildApprovalCardBlocks(CARD) };
}

describe('demo renderer', () => {
  it('prints every line of an approval card, buttons included, as plain text when piped', () => {
    const text = shownAsText(shown(), NAMES, terminalStyle(false));

    for (const part of ['System Admin', '6h', 'fixing the pipeline sync', '00g1admin', 'Stage 1 of 2: @Marco Rossi', '@Priya Shah', '[ Approve ] [ Deny ]']) expect(text).toContain(part);
    expect(text).not.toMatch(/<@U|\x1b\[/);
  });

  it('draws emoji and bold only as the terminal allows', () => {
    const item: Shown = { step: 's', who: 'Priya Shah', kind: 'ephemeral', text: ':white_check_mark: Request *#7* is in, :frobnicate:', blocks: [] };

    expect(shownAsText(item, NAMES, terminalStyle(false))).toContain('✅ Request #7 is in, (frobnicate)');
    expect(shownAsText(item, NAMES, terminalStyle(true))).toContain('\x1b[1m#7\x1b[0m');
  });

  it('writes a self-contained page with the fields, the buttons and names instead of markup', () => {
    const html = journeyHtml('Demo', 'intro', [shown()], [{ heading: 'Audit', lines: ['ok'] }], NAMES);

    expect(html).toContain('<button class="btn primary">Approve</button>');
    expect(html).toContain('>Deny</button>');
    expect(html).toContain('<div class="fields">');
    expect(html).toContain('<span class="mention">@Marco Rossi</span>');
    expect(html).not.toMatch(/<@U|<script|<link|src="http/);
  });
});
