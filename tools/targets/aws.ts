import { OpsError } from '../../contracts/ops-error.js';
import type { AthenaRunOptions } from '../aws/athena-query.js';
import { ATHENA_ENV, athenaDbtEnv, fillEnv } from '../aws/dbt-env.js';
import { awsEtlReport } from '../aws/etl-report.js';
import { type AwsArgs, awsConfigFrom, withAwsOptions } from '../aws/options.js';
import { withAwsSession } from '../aws/session.js';
import { publishedInLake } from '../exports/published.js';
import { REFRESH_LOCK_TTL_MS, type RefreshLock } from '../lib/refresh-lock.js';
import { progress } from '../lib/report.js';
import type { Target, TargetArgs } from './target.js';

// Every module that imports the AWS SDK is imported where a step needs it (`await import`), so
// `ops` commands on the other targets never load the SDK (test/tools/commands/cli-startup.test.ts).

/** The AWS flags of a command's parsed arguments (`addOptions` added them). */
const aws = (args: TargetArgs): AwsArgs => args as unknown as AwsArgs;

/** Progress of Athena queries for long commands: one stderr line when a query starts running. */
const athenaProgress: Pick<AthenaRunOptions, 'onState'> = {
  onState: (id, state) => {
    if (state === 'RUNNING') progress(`  athena: query ${id.slice(0, 8)} running`);
  },
};

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

/**
 * The deployed stack: S3 buckets are the object store, the ETL Lambda (or its handler run here)
 * processes raw objects, the Glue crawler catalogs the facts, Athena queries them, dbt-athena
 * builds the marts. Resource names come from flags, environment or the stack's outputs file.
 */
export const awsTarget: Target = {
  name: 'aws',
  summary: 'the deployed AWS stack (S3, Lambda, Glue, Athena)',
  // the stack defines the Glue table quarantine_records (stacks/catalog.ts); no crawl needed
  catalogsQuarantine: true,
  etlStateInLake: false,
  pipeline: ['upload', 'etl', 'crawl', 'create-views', 'transform', 'export-outputs', 'dashboard'],
  addOptions: (y, { waits }) => withAwsOptions(y, { waits }),
  generate: async () => {
    throw new OpsError(
      'LOCAL_ONLY',
      'generate writes the local lake only',
      'generate locally, then `npx ops upload --target aws`',
    );
  },
  upload: async (args, request) => {
    const [{ uploadRawFiles }, { describeEtlOutcomes, refusedFilesError, waitForEtl }] = await Promise.all([
      import('../aws/upload.js'),
      import('../aws/wait-for-etl.js'),
    ]);
    const { s, etl } = await withAwsSession(aws(args), async ({ config, clients, timeoutMs }) => {
      const s = await uploadRawFiles({
        s3: clients.s3,
        bucket: config.require('rawBucket'),
        lake: args.lake,
        concurrency: request.concurrency,
        ...(request.onProgress ? { onProgress: request.onProgress } : {}),
      });
      if (!request.wait || !s.uploaded.length) return { s };
      const etl = await waitForEtl({
        s3: clients.s3,
        rawBucket: config.require('rawBucket'),
        processedBucket: config.require('processedBucket'),
        quarantineBucket: config.require('quarantineBucket'),
        uploaded: s.uploaded,
        timeoutMs,
        ...(request.onWaiting ? { onProgress: request.onWaiting } : {}),
      });
      return { s, etl };
    });
    const seconds = s.durationMs / 1000;
    const multipart = s.uploaded.filter((u) => u.multipart).length;
    const fx = { uploaded: ', FX reference uploaded', unchanged: '', none: '' }[s.fxReference];
    const counts = `${s.uploaded.length} file(s) uploaded, ${s.skipped.length} unchanged${fx}`;
    const failure = etl && refusedFilesError(etl);
    const refreshBuild =
      "each success starts the stack's refresh build (`npx ops dashboard-link --target aws` then shows the results)";
    return {
      title: (elapsed) => `upload: ${counts} in ${elapsed}`,
      line: `${counts} to ${s.destination}`,
      fields: {
        uploaded: s.uploaded.length
          ? `${mb(s.bytes)} (${multipart} multipart) at ${mb(s.bytes / Math.max(seconds, 0.001))}/s`
          : 'nothing: every object already holds the same content',
        destination: s.destination,
        ...(etl ? { etl: describeEtlOutcomes(etl) } : {}),
        next: etl
          ? `${refreshBuild}; to run the next steps here instead, \`npx ops crawl --target aws\``
          : s.uploaded.length
            ? `the ETL Lambda processes each uploaded file in the background, and ${refreshBuild}; to run the next steps here instead, \`npx ops etl --target aws\` waits for those runs (and runs each file once more), then \`npx ops crawl --target aws\` (next time, \`upload --wait\` waits for them without running them again)`
            : s.fxReference === 'uploaded'
              ? 'the next refresh re-runs the files whose quarantined orders now have a rate (`npx ops etl --target aws --retry-quarantine` does it now)'
              : '`npx ops etl --target aws --file NAME` reprocesses an object',
      },
      ...(failure ? { failure } : {}),
    };
  },
  etl: async (args, request) => {
    const { runAwsEtl } = await import('../aws/etl-aws.js');
    return awsEtlReport(
      await withAwsSession(aws(args), ({ config, clients }) =>
        runAwsEtl({
          config,
          clients,
          ...(request.files?.length ? { files: request.files } : {}),
          localCompute: Boolean(request.localCompute),
          retryQuarantine: Boolean(request.retryQuarantine),
          ...(request.onProgress ? { onProgress: request.onProgress } : {}),
        }),
      ),
    );
  },
  crawl: async (args) => {
    const { crawlAws } = await import('../aws/crawl-aws.js');
    const result = await withAwsSession(aws(args), ({ config, clients, timeoutMs }) =>
      crawlAws(config, clients, { timeoutMs, onState: (s) => progress(`crawl: crawler ${s.toLowerCase()}`) }),
    );
    const fields: Record<string, string> = {
      crawler: result.crawl
        ? `${result.crawl.crawler} ${result.crawl.joined ? 'joined a running crawl' : 'started'}, ${result.crawl.status}`
        : 'none: partitions are projected (catalog_mode projection)',
    };
    for (const t of result.catalog.tables) {
      const span = t.partitions.length ? ` (${t.partitions[0]} .. ${t.partitions.at(-1)})` : '';
      fields[t.name] = t.projected
        ? `projected partitions, ${t.location}`
        : `${t.partitions.length} partitions${span}, ${t.location}`;
    }
    const catalog = `Glue database ${result.catalog.database}`;
    return {
      title: (elapsed) => `crawl done in ${elapsed}; catalog: ${catalog}`,
      fields,
      line: `${result.catalog.tables.map((t) => t.name).join(', ')} in ${catalog}`,
    };
  },
  // Athena is stateless per query: readers and writers need nothing different.
  withQueryEngine: async (args, _access, work) => {
    const { athenaEngineFor } = await import('../aws/athena-engine.js');
    return withAwsSession(aws(args), (s) =>
      work(athenaEngineFor(s.config, s.clients, { ...athenaProgress, timeoutMs: s.timeoutMs })),
    );
  },
  dbt: {
    profile: 'athena',
    // The region and schema dbt builds in, as configure sets them (variables exported by hand
    // win): two stacks, or two personal schemas, are two builds. Needs only those two settings:
    // an export describes its build without the results bucket or workgroup dbt would need.
    describe: async (args) => {
      const config = await awsConfigFrom(aws(args));
      const region = process.env.ATHENA_REGION || config.get('region');
      const schema = process.env.ATHENA_SCHEMA || config.get('database');
      return `athena ${region ?? '(no region)'} ${schema ?? '(no schema)'} (dbt-athena)`;
    },
    // Unset ATHENA_* / STORE_SALES_GLUE_DATABASE come from the stack (flags, env, outputs file).
    configure: async (args) => {
      fillEnv(process.env, athenaDbtEnv(await awsConfigFrom(aws(args))));
    },
    preflight: () => {
      const missing = ATHENA_ENV.filter((name) => !process.env[name]);
      if (missing.length) {
        throw new OpsError(
          'ATHENA_ENV_MISSING',
          `--target aws needs ${missing.join(', ')}`,
          "pass --outputs-file (the stack outputs), or the --workgroup/--database/--results-bucket flags and export ATHENA_S3_DATA_DIR (the stack's dbt_s3_data_dir output), or export the variables (docs/aws.md)",
        );
      }
      return {};
    },
  },
  published: (args) => publishedInLake(args.lake),
  publish: async (args, staged, runId) => {
    const { publishToS3 } = await import('../aws/publish.js');
    const { bucket, keys } = await withAwsSession(aws(args), async ({ config, clients }) => {
      const bucket = config.require('analyticsBucket');
      return { bucket, keys: await publishToS3(clients.s3, bucket, staged, runId) };
    });
    const at = (prefix: string) => `s3://${bucket}/${prefix}`;
    return {
      title: (elapsed) => `publish: ${keys.objects} objects in ${elapsed}`,
      fields: { csv: at(keys.csvPrefix), latest: at(keys.latestPrefix), dated: at(keys.datedPrefix) },
      line: `${at(keys.csvPrefix)}, ${at(keys.latestPrefix)} and ${at(keys.datedPrefix)}`,
    };
  },
  refreshLock: (args) => {
    const withLock = async <T>(use: (lock: RefreshLock) => Promise<T>): Promise<T> => {
      const { s3RefreshLock } = await import('../aws/refresh-lock.js');
      return withAwsSession(aws(args), ({ config, clients }) =>
        use(s3RefreshLock(clients.s3, config.require('analyticsBucket'))),
      );
    };
    return {
      ttlMs: REFRESH_LOCK_TTL_MS,
      acquire: (holder, opts) => withLock((l) => l.acquire(holder, opts)),
      renew: (holder, token) => withLock((l) => l.renew(holder, token)),
      release: (token, holder) => withLock((l) => l.release(token, holder)),
      isHeld: () => withLock((l) => l.isHeld()),
      markPending: () => withLock((l) => l.markPending()),
      pending: () => withLock((l) => l.pending()),
    };
  },
  factsWrittenAt: async (args) => {
    const { latestFactWrite } = await import('../aws/facts-written.js');
    return withAwsSession(aws(args), ({ config, clients }) =>
      latestFactWrite(clients.s3, config.require('processedBucket')),
    );
  },
  dashboardLink: async (args, seconds) => {
    const [{ presignGetUrl }, { LATEST_DASHBOARD_KEY }, { HeadObjectCommand, NotFound }] = await Promise.all([
      import('../aws/presign.js'),
      import('../aws/publish.js'),
      import('@aws-sdk/client-s3'),
    ]);
    return withAwsSession(aws(args), async ({ config, clients }) => {
      const bucket = config.require('analyticsBucket');
      // a presigned URL is made offline: without this it would link a page no refresh published
      const published = await clients.s3
        .send(new HeadObjectCommand({ Bucket: bucket, Key: LATEST_DASHBOARD_KEY }))
        .then(
          () => 'yes' as const,
          (err: unknown) => {
            if (err instanceof NotFound) return 'no' as const;
            // S3 answers a missing key with 403, not 404, to a caller that may not list the bucket
            if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 403)
              return 'unreadable' as const;
            throw err;
          },
        );
      if (published !== 'yes') {
        throw new OpsError(
          'NO_DASHBOARD',
          published === 'no'
            ? `no dashboard at s3://${bucket}/${LATEST_DASHBOARD_KEY}`
            : `no dashboard these credentials can read at s3://${bucket}/${LATEST_DASHBOARD_KEY} (S3 answered 403: missing, or not readable by them)`,
          published === 'no'
            ? 'run `npx ops refresh --target aws` (the deployed stack runs it after each load and daily)'
            : 'run `npx ops refresh --target aws` if no refresh has run; else check the credentials (AWS_PROFILE) and that they may read it (s3:GetObject)',
        );
      }
      return presignGetUrl({
        bucket,
        key: LATEST_DASHBOARD_KEY,
        region: config.require('region'),
        credentials: await clients.s3.config.credentials(),
        ...(config.endpoint ? { endpoint: config.endpoint } : {}),
        expiresInSeconds: seconds,
      });
    });
  },
};
