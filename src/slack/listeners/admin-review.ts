/**
 * `/access-admin review …`: start (one line; alone, it opens the form: see registerAdminListeners), status,
 * close and export. The caller has already admitted the admin (src/slack/listeners/admin.ts).
 */
import { parseReviewStart, REVIEW_START_USAGE } from '../../domain/review.js';
import type { WorkflowDeps } from '../../workflows/shared/deps.js';
import { closeReview, requestReviewExport, reviewStatusText, startReview } from '../../workflows/review/index.js';

const REVIEW_USAGE = [
  REVIEW_START_USAGE,
  '`/access-admin review status [id]`: progress per reviewer and per app.',
  '`/access-admin review close <id>`: applies the policy to undecided items and posts the summary.',
  '`/access-admin review export <id>`: the evidence CSV again, by DM and on the Jira issue.',
].join('\n');

/** `review start|status|close|export` (`review start` with no arguments opens the form: see registerAdminListeners). */
export function reviewCommand(deps: WorkflowDeps, userId: string, rest: readonly string[]): string {
  const [sub = '', ...args] = rest;
  const id = Number.parseInt((args[0] ?? '').replace(/^#/, ''), 10);
  switch (sub.toLowerCase()) {
    case 'start': {
      const parsed = parseReviewStart(args.join(' '));
      if (!parsed.ok) return `:no_entry: The review was not started:\n${parsed.problems.map((p) => `• ${p}`).join('\n')}\n${REVIEW_START_USAGE}`;
      const result = startReview(deps, userId, parsed.spec);
      return result.kind === 'started' ? result.text : `:no_entry: The review was not started:\n${result.problems.map((p) => `• ${p}`).join('\n')}`;
    }
    case 'status':
      if (args.length > 0 && !Number.isSafeInteger(id)) return 'Usage: `/access-admin review status [id]`, e.g. `/access-admin review status 3`.';
      return reviewStatusText(deps, args.length > 0 ? id : null);
    case 'close': {
      if (!Number.isSafeInteger(id)) return 'Usage: `/access-admin review close <id>`, e.g. `/access-admin review close 3`.';
      const result = closeReview(deps, id, { kind: 'user', slackId: userId });
      return result.kind === 'closed' ? result.text : result.message;
    }
    case 'export':
      if (!Number.isSafeInteger(id)) return 'Usage: `/access-admin review export <id>`, e.g. `/access-admin review export 3`.';
      return requestReviewExport(deps, userId, id);
    default:
      return REVIEW_USAGE;
  }
}

