/** `npx projen integ:snapshot`: rewrites the integ app's snapshot (after `bundle`, which the task runs first). */
import { SNAPSHOT_DIR, synthIntegApp } from './snapshot';

synthIntegApp(SNAPSHOT_DIR);
console.log(`Wrote ${SNAPSHOT_DIR}`);
