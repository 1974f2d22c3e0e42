/**
 * Jira comment lines that carry what a person typed keep it as a `user` segment, so the comment job posts it
 * verbatim while Keycard's own mentions are written out.
 */
import { describe, expect, it } from 'vitest';
import { jiraWords } from '../../src/workflows/shared/jira-words.js';

describe('jira words with user text', () => {
  it.each([
    ['denied', jiraWords.denied('UMARCO', new Date('2026-01-06T14:00:00Z'), 'stage 1 of 1', 'ask <@UPRIYA>'), ['Denied by <@UMARCO> at 14:00 UTC, stage 1 of 1: ', { user: 'ask <@UPRIYA>' }]],
    ['revoked', jiraWords.revoked('UADA', 'per <@USARA>'), ['Revoked by <@UADA>: ', { user: 'per <@USARA>' }]],
    [
      'extension requested',
      jiraWords.extensionRequested('UPRIYA', 3_600_000, 7, 'manager', 'cover for <@USARA>'),
      ['Extension requested by <@UPRIYA>: 1h more (Keycard request #7). Approval: manager. Reason: ', { user: 'cover for <@USARA>' }],
    ],
  ])('keeps the %s reason as user text', (_name, line, expected) => {
    expect(line).toEqual(expected);
  });

  it('keeps a line with no user text a plain string', () => {
    expect(jiraWords.extensionRequested('UPRIYA', 3_600_000, 7, 'manager')).toBe('Extension requested by <@UPRIYA>: 1h more (Keycard request #7). Approval: manager.');
    expect(jiraWords.denied('UMARCO', new Date('2026-01-06T14:00:00Z'), 'stage 1 of 1', null)).toBe('Denied by <@UMARCO> at 14:00 UTC, stage 1 of 1 (no reason given)');
  });
});
