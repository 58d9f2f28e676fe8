// `node --import tsx --import ./test/support/import-log.mjs …`: records what the process imports
// (see import-log-hook.mjs).
import { register } from 'node:module';

register('./import-log-hook.mjs', import.meta.url);
