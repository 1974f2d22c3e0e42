/**
 * The form `/access-admin review start` opens: name, apps in scope, reviewer, due date and what happens to
 * undecided items. Pure: built from the choices the catalog and the clock allow.
 */
import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import type { ReviewStartChoices, ReviewStartField } from '../../workflows/review/index.js';

export const REVIEW_START_CALLBACK_ID = 'review_start_form';
/** One input block per field; errors are answered under them (`response_action: errors`). */
export const REVIEW_START_BLOCKS = {
  name: 'review_start_name',
  apps: 'review_start_apps',
  reviewer: 'review_start_reviewer',
  due: 'review_start_due',
  unreviewed: 'review_start_unreviewed',
} as const satisfies Record<ReviewStartField, string>;
export const REVIEW_START_ACTIONS = {
  name: 'review_start_name_input',
  apps: 'review_start_apps_select',
  reviewer: 'review_start_reviewer_select',
  due: 'review_start_due_date',
  unreviewed: 'review_start_unreviewed_choice',
} as const satisfies Record<ReviewStartField, string>;

/** Slack lists at most 100 options; past that the apps are searched (`multi_external_select`). */
export const REVIEW_START_STATIC_APPS = 100;

function plain(text: string): { type: 'plain_text'; text: string } {
  return { type: 'plain_text', text };
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function appOption(app: { id: string; name: string }): PlainTextOption {
  return { text: plain(clip(app.name, 75)), value: app.id, description: plain(clip(app.id, 75)) };
}

/** The apps matching what the admin typed, for the search past 100 apps. */
export function reviewStartAppOptions(choices: ReviewStartChoices, query: string): PlainTextOption[] {
  const q = query.trim().toLowerCase();
  return choices.apps
    .filter((a) => q === '' || a.id.includes(q) || a.name.toLowerCase().includes(q))
    .slice(0, REVIEW_START_STATIC_APPS)
    .map(appOption);
}

function reviewerOptions(choices: ReviewStartChoices): PlainTextOption[] {
  return [
    { text: plain("Each app's owner"), value: 'owner' },
    { text: plain("Each member's manager"), value: 'manager' },
    ...choices.approverGroups.slice(0, 98).map((g) => ({ text: plain(clip(`The ${g} approvers`, 75)), value: clip(`group:${g}`, 150) })),
  ];
}

export function buildReviewStartModal(choices: ReviewStartChoices): ModalView {
  const searched = choices.apps.length > REVIEW_START_STATIC_APPS;
  const appsHint = [
    searched ? `Type to search the ${choices.apps.length} apps.` : '',
    choices.manualApps > 0 ? `Manual apps (${choices.manualApps}) are not listed: no identity provider lists their members, so review them by hand.` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const reviewers = reviewerOptions(choices);
  const unreviewed = [
    { text: plain('Keep them and flag them'), value: 'keep' },
    { text: plain('Revoke them'), value: 'revoke' },
  ];
  const blocks: KnownBlock[] = [
    {
      type: 'input',
      block_id: REVIEW_START_BLOCKS.name,
      label: plain('Name'),
      element: { type: 'plain_text_input', action_id: REVIEW_START_ACTIONS.name, max_length: 80, placeholder: plain('e.g. Q1 CRM') },
    },
    {
      type: 'input',
      block_id: REVIEW_START_BLOCKS.apps,
      label: plain('Apps in scope'),
      ...(appsHint ? { hint: plain(appsHint) } : {}),
      element: searched
        ? { type: 'multi_external_select', action_id: REVIEW_START_ACTIONS.apps, placeholder: plain('Search apps'), min_query_length: 0 }
        : { type: 'multi_static_select', action_id: REVIEW_START_ACTIONS.apps, placeholder: plain('Choose apps'), options: choices.apps.map(appOption) },
    },
    {
      type: 'input',
      block_id: REVIEW_START_BLOCKS.reviewer,
      label: plain('Who reviews'),
      hint: plain("Nobody reviews their own access: such items go to their manager, else to the Keycard admins."),
      element: { type: 'static_select', action_id: REVIEW_START_ACTIONS.reviewer, options: reviewers, initial_option: reviewers[0] },
    },
    {
      type: 'input',
      block_id: REVIEW_START_BLOCKS.due,
      label: plain('Due'),
      hint: plain(`At the end of the day (23:59 UTC): from ${choices.firstDay} to ${choices.lastDay} (at most 120 days).`),
      element: { type: 'datepicker', action_id: REVIEW_START_ACTIONS.due, initial_date: choices.initialDay },
    },
    {
      type: 'input',
      block_id: REVIEW_START_BLOCKS.unreviewed,
      label: plain('Items nobody decides by then'),
      element: { type: 'radio_buttons', action_id: REVIEW_START_ACTIONS.unreviewed, options: unreviewed, initial_option: unreviewed[0] },
    },
  ];
  return { type: 'modal', callback_id: REVIEW_START_CALLBACK_ID, title: plain('Start access review'), submit: plain('Start'), close: plain('Cancel'), blocks };
}
