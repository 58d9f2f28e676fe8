import type { CommandModule } from 'yargs';
import { generateDocs } from '../docs/dbt-docs.js';
import { DOCS_TARGET } from '../docs/docs-link.js';
import type { LakeOptions } from '../lib/options.js';
import { elapsed, printSummary } from '../lib/report.js';
import { withTargetOptions } from '../targets/registry.js';

/**
 * `ops docs`: dbt's documentation (models, columns, tests, lineage from sources to marts) as one
 * offline page, `<lake>/docs/index.html`; local dashboards built after it link it (docs-link.ts).
 */
export const docsCommand: CommandModule<object, LakeOptions> = {
  command: 'docs',
  describe: 'write the dbt docs site (models, lineage) to <lake>/docs/index.html, offline',
  builder: (y) =>
    // local only: the site is built from the local warehouse, whatever --target would say
    withTargetOptions(y, { targetFlags: false, only: (t) => t.name === DOCS_TARGET }).epilogue(
      'Runs .venv/bin/dbt docs generate --static on the local warehouse (after `npx ops transform`).',
    ),
  handler: async (args) => {
    const start = performance.now();
    const r = await generateDocs({ lake: args.lake });
    printSummary(`docs done in ${elapsed(start)}`, {
      site: `${r.index} (${(r.bytes / 1024 / 1024).toFixed(1)} MiB, opens offline)`,
      models: r.models,
    });
  },
};
