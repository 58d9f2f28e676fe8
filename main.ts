import { bundleLambda } from './lambda/build.js';
import { synthesize } from './stacks/app.js';

/**
 * `npm run synth` (or `cdktf synth`): one StoreSalesStack per stage -> cdktf.out/stacks/<stack>/.
 * Region and state backend come from the environment (see README "Infrastructure").
 */
const start = performance.now();
const { stacks, bundleBytes, zipBytes, runnerSource } = await synthesize({
  outdir: 'cdktf.out',
  env: process.env,
  bundle: bundleLambda,
});
process.stdout.write(
  `synthesized ${Object.keys(stacks).length} stacks in ${((performance.now() - start) / 1000).toFixed(2)} s ` +
    `(lambda bundle ${(bundleBytes / 1024).toFixed(0)} KiB, zipped ${(zipBytes / 1024).toFixed(0)} KiB; ` +
    `refresh runner source ${runnerSource.files} files, ${(runnerSource.bytes / 1024).toFixed(0)} KiB)\n${Object.values(
      stacks,
    )
      .map((s) => `  ${s}`)
      .join('\n')}\n`,
);
