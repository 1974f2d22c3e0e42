/**
 * Auto reclaim: scan each app with a `reclaim:` policy for members who have not used it, warn them in Slack
 * (Keep it, Remove now), take the access back after the grace period through the job queue and the one
 * removal path (or downgrade it to a lower role), and give it back in one click (Ask for it back). Admins
 * preview, run and exclude; every step is in the audit log and on the run's Jira issue.
 */
export { startReclaimRuns, reclaimScanJob, reclaimScanDead, reclaimApps, type StartRunsResult } from './scan.js';
export { reclaimEnforceJob } from './enforce.js';
export { reclaimSettleJob } from './settle.js';
export { reclaimNoticeJob } from './notice.js';
export { keepCase, removeNow, whyNotAnswer, keepFormLabel, type CaseAnswer } from './decide.js';
export { askForItBack, type RestoreAnswer } from './restore.js';
export { reclaimPreviewText, reclaimedByMonth } from './preview.js';
export { excludeFromReclaim, type ExcludeResult } from './exclude.js';
