/** A store on a fresh in-memory SQLite database with the real migrations, for unit tests of the store and queue. */
import { openDatabase } from '../../src/store/db.js';
import { Store } from '../../src/store/store.js';

export function memoryStore(): Store {
  return new Store(openDatabase(':memory:'), { jobMaxAttempts: 3 });
}
