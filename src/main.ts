/**
 * The composition root's entry point: `npm start`. Reads the environment and the catalog, starts Keycard,
 * and stops it gracefully on SIGINT/SIGTERM.
 */
import pino from 'pino';
import { ConfigError, loadCatalog, loadConfig, missingProviderSettings } from './config.js';
import { KeycardError } from './domain/errors.js';
import { startKeycard } from './keycard.js';

const HELP = 'See README.md ("Set-up") for every setting, or run `npm run demo` to see Keycard work with no credentials at all.';

async function main(): Promise<void> {
  let config;
  let catalog;
  try {
    config = loadConfig(process.env);
    catalog = loadCatalog(config.catalogPath);
    const missing = missingProviderSettings(config, catalog);
    if (missing.length > 0) throw new ConfigError(missing);
  } catch (error) {
    if (error instanceof KeycardError) {
      process.stderr.write(`${error.message}\n\n${HELP}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = pino({ level: config.logLevel, base: { app: 'keycard' } });
  // Another process took over the database because this one stalled: it must not write any more.
  const keycard = await startKeycard({ config, catalog, logger, onLeaseLost: () => process.exit(75) }); // EX_TEMPFAIL
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    keycard.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: String(error) }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}\n`);
  process.exit(1);
});
