/** A worker process for the pool case of test/support/tied-children-fixture.ts: its tasks never finish. */
import { serveTasks } from '../../tools/lib/process-pool.js';

serveTasks(() => new Promise(() => undefined));
