// A module resolve hook for child processes under test: appends every URL the ESM loader resolves
// to the file IMPORT_LOG names. Packages a CommonJS module require()s inside itself do not pass
// through here, nor what `createRequire(…)` loads; the entry point every `import` of a package
// resolves does.
import { appendFileSync } from 'node:fs';

const log = process.env.IMPORT_LOG;
if (!log) throw new Error('import-log-hook: set IMPORT_LOG to the file that receives the resolved URLs');

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(log, `${resolved.url}\n`);
  return resolved;
}
