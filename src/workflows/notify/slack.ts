/**
 * Plain Slack messages from the queue: a DM to one person, or a line in the alert channel.
 */
import type { JobOf } from '../../store/jobs.repo.js';
import type { SideEffectDeps } from '../shared/deps.js';

export async function dmJob(deps: SideEffectDeps, job: JobOf<'slack.dm'>): Promise<void> {
  const { to, text } = job.payload;
  await deps.notifier.sendDm(to, text);
}

export async function alertJob(deps: SideEffectDeps, job: JobOf<'slack.alert'>): Promise<void> {
  const { text } = job.payload;
  await deps.notifier.sendAlert(text);
}
