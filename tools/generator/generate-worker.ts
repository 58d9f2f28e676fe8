/**
 * Entry point of an `ops generate` worker process: checks or writes one month's file (see
 * `month-file.ts`). A month depends only on the spec, so any split over processes gives the same
 * bytes.
 */
import { serveTasks } from '../lib/process-pool.js';
import { type MonthFileResult, type MonthFileTask, runMonthFile } from './month-file.js';

serveTasks<MonthFileTask, MonthFileResult, number>((task, progress) => runMonthFile(task, progress));
