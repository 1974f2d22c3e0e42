/**
 * The start-up health checks: every integration is checked at once and every failure is named in one
 * message, so an operator fixes them all in one go instead of one restart per problem.
 */

export interface HealthCheck {
  /** What the operator sees before the error, e.g. `Jira` or `okta`. */
  readonly name: string;
  readonly run: () => Promise<unknown>;
}

/** Runs every check concurrently; resolves to one line per failure (`name: message`), in the checks' order. */
export async function failedHealthChecks(checks: readonly HealthCheck[]): Promise<string[]> {
  // allSettled attaches a handler to every check at once: a check that fails while an earlier one is
  // still running is never an unhandled rejection. The async wrapper turns a synchronous throw into a failure too.
  const results = await Promise.allSettled(checks.map(async (check) => check.run()));
  const failures: string[] = [];
  results.forEach((result, index) => {
    if (result.status === 'fulfilled') return;
    const error: unknown = result.reason;
    failures.push(`${checks[index]?.name ?? 'check'}: ${error instanceof Error ? error.message : String(error)}`);
  });
  return failures;
}

/** Throws one error naming every failed check; resolves when all pass. */
export async function runHealthChecks(checks: readonly HealthCheck[]): Promise<void> {
  const failures = await failedHealthChecks(checks);
  if (failures.length > 0) {
    throw new Error(`Keycard start-up checks failed:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
  }
}
