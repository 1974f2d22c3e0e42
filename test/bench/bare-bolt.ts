/**
 * The baseline for `npm run bench -- request`: a bare Bolt app on the same Bolt version as Keycard that
 * only acks `/request` and opens a one-input modal. It runs as its own process (`node --import tsx`, as
 * Keycard does) against the same Slack fake, so the difference between the two is what Keycard adds.
 *
 * Environment: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL, PORT. Answers GET /healthz.
 */
import { App, LogLevel } from '@slack/bolt';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

async function main(): Promise<void> {
  const app = new App({
    token: required('SLACK_BOT_TOKEN'),
    signingSecret: required('SLACK_SIGNING_SECRET'),
    // Given, so Bolt does not call auth.test: Keycard hands Bolt the ids it learnt at start-up too.
    botId: 'BBARE',
    botUserId: 'UBARE',
    logLevel: LogLevel.WARN,
    clientOptions: { slackApiUrl: required('SLACK_API_URL'), retryConfig: { retries: 0 } },
    customRoutes: [
      {
        path: '/healthz',
        method: ['GET'],
        handler: (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"ok":true}');
        },
      },
    ],
  });

  app.command('/request', async ({ command, ack, client }) => {
    await ack();
    await client.views.open({
      trigger_id: command.trigger_id,
      view: {
        type: 'modal',
        callback_id: 'bare_request',
        title: { type: 'plain_text', text: 'Request access' },
        submit: { type: 'plain_text', text: 'Submit' },
        blocks: [{ type: 'input', block_id: 'why', label: { type: 'plain_text', text: 'Why?' }, element: { type: 'plain_text_input', action_id: 'why_input' } }],
      },
    });
  });

  await app.start(Number(process.env.PORT ?? 3000));
  const stop = () => {
    void app.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`bare Bolt app failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
