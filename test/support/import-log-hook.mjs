// A module resolve hook for child processes under test: appends every URL the ESM loader resolves
// to the file IMPORT_LOG names. Packages a CommonJS module require()s inside itself do not pass
// through here; the entry point every import of a package resolves does.
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.IMPORT_LOG, `${resolved.url}\n`);
  return resolved;
}
