/**
 * A worker process for the pool case of test/support/tied-children-fixture.ts: its tasks never
 * finish, and keep it busy (a timer, as an ETL task's file reads do), so it does not end just
 * because its parent's IPC channel closed. Each task says `task <pid> started` on stderr.
 */
import { serveTasks } from '../../tools/lib/process-pool.js';

serveTasks(
  () =>
    new Promise(() => {
      process.stderr.write(`task ${process.pid} started\n`);
      setInterval(() => undefined, 1000);
    }),
);
