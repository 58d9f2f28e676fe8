import { parseArgs } from 'node:util';
import { bundleLambda } from './lambda/build.js';
import { REGION_ENV, synthesize } from './stacks/app.js';

/**
 * `npm run synth [-- --region REGION]` (or `cdktf synth`): one StoreSalesStack per stage ->
 * cdktf.out/stacks/<stack>/. The region is `--region`, else `STORE_SALES_AWS_REGION`, else the
 * stage's default (stacks/config.ts); the state backend comes from the environment (docs/aws.md).
 */
const { values } = parseArgs({ options: { region: { type: 'string' } } });
const env = values.region ? { ...process.env, [REGION_ENV]: values.region } : process.env;
const start = performance.now();
const { stacks, regions, bundleBytes, zipBytes, runnerSource } = await synthesize({
  outdir: 'cdktf.out',
  env,
  bundle: bundleLambda,
}).catch((err: unknown) => {
  // one line, as the ops CLI reports a failure, not a stack trace
  process.stderr.write(`synth failed: ${(err as Error).message}\n`);
  process.exit(1);
});
const lines = Object.entries(stacks).map(
  ([stage, file]) => `  ${file}  (region ${regions[stage as keyof typeof regions]})`,
);
process.stdout.write(
  `synthesized ${lines.length} stacks in ${((performance.now() - start) / 1000).toFixed(2)} s ` +
    `(lambda bundle ${(bundleBytes / 1024).toFixed(0)} KiB, zipped ${(zipBytes / 1024).toFixed(0)} KiB; ` +
    `refresh runner source ${runnerSource.files} files, ${(runnerSource.bytes / 1024).toFixed(0)} KiB)\n` +
    `${lines.join('\n')}\n`,
);
