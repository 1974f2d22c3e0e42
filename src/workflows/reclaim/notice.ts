/**
 * The person's two DMs about a case, each drawn from the case when the job runs: the warning (with **Keep it**
 * and **Remove now** while the case waits for them; redrawn without them once it moved on) and, after the
 * reclaim, the result (with **Ask for it back**; redrawn once restored). Each message is sent once and then
 * updated in place, so an old button never offers what can no longer be done.
 */
import type { JobOf } from '../../store/jobs.repo.js';
import type { ReclaimCaseRow } from '../../store/reclaim.repo.js';
import type { SideEffectDeps, WorkflowDeps } from '../shared/deps.js';
import type { ReclaimNotice } from '../shared/ports.js';
import { caseWords } from './cases.js';
import { reclaimSlackWords } from './words.js';

export function warningNotice(deps: WorkflowDeps, c: ReclaimCaseRow): ReclaimNotice {
  const now = deps.clock.now();
  const w = caseWords(deps, c);
  if (c.status === 'warned') return { caseId: c.id, text: reclaimSlackWords.warning(c, w, now), buttons: ['keep', 'remove_now'] };
  return { caseId: c.id, text: reclaimSlackWords.warningClosed(c, w, now), buttons: [] };
}

export function resultNotice(deps: WorkflowDeps, c: ReclaimCaseRow): ReclaimNotice {
  const text = reclaimSlackWords.result(c, caseWords(deps, c), deps.clock.now());
  return { caseId: c.id, text, buttons: c.status === 'reclaimed' || c.status === 'downgraded' ? ['ask_back'] : [] };
}

export async function reclaimNoticeJob(deps: SideEffectDeps, job: JobOf<'reclaim.notice'>): Promise<void> {
  const { store, notifier } = deps;
  const c = store.reclaim.case(job.payload.caseId);
  if (!c) return;
  if (job.payload.which === 'warning') {
    const notice = warningNotice(deps, c);
    if (c.warningChannel && c.warningTs) {
      await notifier.updateReclaimNotice({ channel: c.warningChannel, ts: c.warningTs }, notice);
      return;
    }
    const ref = await notifier.sendReclaimNotice(c.slackId, notice);
    store.reclaim.updateCase(c.id, { warningChannel: ref.channel, warningTs: ref.ts });
    return;
  }
  // The result exists only once the access was taken back.
  if (c.status !== 'reclaimed' && c.status !== 'downgraded' && c.status !== 'restored') return;
  const notice = resultNotice(deps, c);
  if (c.resultChannel && c.resultTs) {
    await notifier.updateReclaimNotice({ channel: c.resultChannel, ts: c.resultTs }, notice);
    return;
  }
  const ref = await notifier.sendReclaimNotice(c.slackId, notice);
  store.reclaim.updateCase(c.id, { resultChannel: ref.channel, resultTs: ref.ts });
}
