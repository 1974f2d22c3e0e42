/**
 * Access review campaigns: start, build from the identity providers, decide in Slack, enforce revokes
 * through the one removal path, close with the policy for undecided items, and the evidence as CSV.
 */
export { startReview, checkReviewSpec, campaignLabel, describeReviewer, type StartResult } from './start.js';
export { buildReviewJob } from './build.js';
export { openMoverReview, MOVER_REVIEW_DUE_MS, type MoverReviewSpec } from './mover.js';
export { decideItems, keepRecommended, itemsFor, whyNotDecide, type Decision, type DecideOutcome } from './decide.js';
export { reviewRevokeJob, reviewSettleJob, enforcementState, itemLabel } from './enforce.js';
export { reviewerDmJob, reviewJiraIssueJob, reviewOpenedJob, remindReviewers, reviewersOf } from './notify.js';
export { closeReview, sweepReviews, summarize, reviewSummaryJob, reviewStatusText, type CloseResult } from './close.js';
export { reviewExportJob, requestReviewExport, reviewCsv, REVIEW_CSV_COLUMNS } from './export.js';
export { reasonText } from './words.js';
export {
  reviewView,
  reviewsToDo,
  whyNotDecideItem,
  reviewItemLabel,
  parseItemFilter,
  reviewStartChoices,
  checkReviewStartForm,
  addReviewStartProblem,
  REVIEW_PAGE_SIZE,
  REVIEW_START_FIELDS,
  type ReviewView,
  type ReviewItemView,
  type ReviewItemState,
  type ReviewToDo,
  type ReviewStartChoices,
  type ReviewStartForm,
  type ReviewStartField,
} from './view.js';
