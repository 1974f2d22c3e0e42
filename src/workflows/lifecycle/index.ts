/**
 * Joiners, movers and leavers: offboarding a person in one step (from Slack or a Jira issue), onboarding a
 * person with their birthright bundles, and the profile sync that notices a move (a mover review of access
 * held through bundles that no longer match, and offers of bundles that match now).
 */
export { resolvePerson, type Person, type PersonResult } from './person.js';
export { startOffboarding, type OffboardInput, type OffboardResult } from './offboard.js';
export { offboardSettleJob, suspendJob, offboardingFollowUp, offboardingStatusText, offboardingLabel } from './offboard-steps.js';
export { onboardPerson, type OnboardInput, type OnboardResult } from './onboard.js';
export { handleOffboardingIssue, handleOnboardingIssue, handleLifecycleIssue, lifecycleIssueHandler, lifecycleIssueJob, enqueueLifecycleIssue, SUSPEND_LABEL, type IssueOutcome } from './jira-issue.js';
export { issueCommentJob } from './issue-comment.js';
export { enqueueProfileSync, profileSyncJob, profileCheckJob, bundleOfferJob, fileBundleOffer, type OfferResult } from './movers.js';
