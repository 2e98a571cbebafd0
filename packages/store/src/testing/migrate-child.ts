/**
 * Child process for the concurrent-migration test: opens the store given as
 * JSON in argv[2], migrates, prints the report as JSON. Separate processes
 * are what really contend (server and CLI); one process holding two SQLite
 * connections would block itself, since better-sqlite3 waits synchronously.
 */
import { openStore } from '../open-store.ts';
import type { StoreConfig } from '../open-store.ts';

const config = JSON.parse(process.argv[2] ?? '') as StoreConfig;
const store = await openStore(config);
try {
  process.stdout.write(JSON.stringify(await store.migrate()));
} finally {
  await store.close();
}
