import type { Argv } from 'yargs';
import type { OpsError } from '../../contracts/ops-error.js';
import type { DbtTarget } from '../engines/dbt-runner.js';
import type { QueryEngine } from '../engines/query-engine.js';
import type { Published } from '../exports/published.js';
import type { GenerateOptions, GenerateSummary } from '../generator/index.js';
import type { LakeOptions } from '../lib/options.js';
import type { RefreshLock } from '../lib/refresh-lock.js';

/**
 * A place the platform runs: where raw files live, what catalogs and queries the facts, which dbt
 * profile builds the marts. Commands take every target-specific piece from here and never test
 * the target's name; a target that lacks a capability throws the OpsError saying what to do.
 */
export interface Target {
  readonly name: string;
  /** One line for `--target`'s help. */
  readonly summary: string;
  /**
   * Whether the catalog has the `quarantine_records` table over the quarantine files (locally
   * `crawl` registers it, on AWS the stack defines it in Glue). Only then do `create-views` make
   * `v_data_quality` and the data-quality mart count quarantined records; elsewhere the mart
   * leaves them empty: unknown, not zero. docs/dashboard.md, "Data quality".
   */
  readonly catalogsQuarantine: boolean;
  /**
   * Whether the ETL keeps its state in the lake folder (`state/etl-state.json`): only then does
   * run_metadata.json give a last ETL run (the Lambda on AWS keeps none: null, "not recorded").
   */
  readonly etlStateInLake: boolean;
  /** The steps `ops pipeline` runs on this target, in order. */
  readonly pipeline: readonly PipelineStep[];
  /** Adds the target's own flags to a command; `waits` for commands that wait on remote work. */
  addOptions<T>(y: Argv<T>, opts: { waits: boolean }): Argv<T>;
  /** Writes the synthetic raw files into the target's raw store. */
  generate(args: TargetArgs, request: Omit<GenerateOptions, 'lake'>): Promise<GenerateSummary>;
  /** Copies the lake's raw files to the target's raw store. */
  upload(args: TargetArgs, request: UploadRequest): Promise<UploadReport>;
  /** Runs the ETL over the target's raw sources under the shared source policy. */
  etl(args: TargetArgs, request: EtlRequest): Promise<EtlReport>;
  /** Registers the fact tables and their partitions in the target's catalog. */
  crawl(args: TargetArgs): Promise<StepReport>;
  /** Runs `work` on the target's query engine (views, exports) and releases it after. */
  withQueryEngine<T>(
    args: TargetArgs,
    access: { readOnly: boolean },
    work: (engine: QueryEngine) => Promise<T>,
  ): Promise<T>;
  readonly dbt: DbtBinding;
  /** Where results are published by default: the analytics CSVs (the dashboard reads them) and the dashboard. */
  published(args: TargetArgs): Published;
  /**
   * Makes a refresh's results, built in the local folders `staged`, the published ones (locally the
   * lake's folders, on aws the analytics bucket). Called only once every step has succeeded;
   * `runId` (UTC, `YYYY-MM-DDTHHMMSSZ`) names the dated copy of the dashboard where the target keeps one.
   */
  publish(args: TargetArgs, staged: Published, runId: string): Promise<StepReport>;
  /** A link to the latest published dashboard page, valid for `seconds` where the target signs links. */
  dashboardLink(args: TargetArgs, seconds: number): Promise<string>;
  /**
   * When the newest fact file (ETL output) was written, or undefined when there is none. A refresh
   * that started before that time may have missed those facts, so it runs again (refresh.ts).
   * Targets without it are refreshed once.
   */
  factsWrittenAt?(args: TargetArgs): Promise<Date | undefined>;
  /**
   * The lock that lets one refresh at a time publish to a shared deployment (aws: an object in the
   * analytics bucket), wherever the refreshes start (the runner's builds, a laptop). Targets
   * without one rely on their own locks (local: the warehouse's).
   */
  refreshLock?(args: TargetArgs): RefreshLock;
}

/** The steps of `ops pipeline`, each the `ops` command of the same name. */
export const PIPELINE_STEPS = [
  'generate',
  'upload',
  'etl',
  'crawl',
  'create-views',
  'transform',
  'export-outputs',
  'dashboard',
] as const;
export type PipelineStep = (typeof PIPELINE_STEPS)[number];

/**
 * A command's parsed arguments as a target sees them: the shared ones, typed; yargs also carries
 * the flags the target added with `addOptions`, which only that target reads.
 */
export type TargetArgs = LakeOptions;

/** What a step did: the summary's title given the elapsed time, its fields, a pipeline line. */
export interface StepReport {
  title(elapsed: string): string;
  fields: Record<string, string | number>;
  line: string;
}

/** What an upload did; `failure` (files the ETL refused, with `--wait`) is thrown after the report is printed. */
export interface UploadReport extends StepReport {
  failure?: OpsError;
}

export interface UploadRequest {
  concurrency: number;
  /** Bytes sent of the total, as the upload goes. */
  onProgress?: (sent: number, total: number) => void;
  /** Waits until the ETL has applied each uploaded file (`--wait`). */
  wait?: boolean;
  /** Uploaded files the ETL has settled so far, of all, while waiting. */
  onWaiting?: (settled: number, total: number) => void;
}

/** A source starts (no bytes yet) or has `bytesRead` of `sourceBytes` read. */
export interface EtlProgress {
  key: string;
  /** 1-based position among the sources this run processes, and their count. */
  index: number;
  total: number;
  bytesRead?: number;
  sourceBytes?: number;
}

export interface EtlRequest {
  /** Process these raw sources (keys or file names) even if unchanged. */
  files?: string[];
  /** Process every raw source, changed or not. */
  force?: boolean;
  /** Run the ETL in this process rather than where the target runs it (AWS: the Lambda). */
  localCompute?: boolean;
  /** Re-run sources whose future-dated quarantined orders are now in range (`--retry-quarantine`). */
  retryQuarantine?: boolean;
  /** Each ETL phase as it starts (`parse`, `encode`, `publish`, `state`), where the target runs it here. */
  onPhase?: (phase: string, key: string) => void;
  /** Local ETL: worker processes (default one per core); the outputs are the same for any number. */
  workers?: number;
  onProgress?: (p: EtlProgress) => void;
}

/** What an ETL run did; `failure` is thrown after the report is printed. */
export interface EtlReport extends StepReport {
  /** One line per processed source. */
  sources: string[];
  failure?: OpsError;
}

/** How `ops transform` runs dbt on a target. */
export interface DbtBinding {
  /** The dbt/profiles.yml target. */
  readonly profile: DbtTarget;
  /**
   * Where the models land: the summary's line, and what a build records beside its results, so
   * an export takes dbt results only from a build of its own models (tools/exports/run-metadata.ts).
   */
  describe(args: TargetArgs): Promise<string>;
  /**
   * Prepares what dbt reads before it builds: AWS fills the environment (the stack's Athena
   * settings) unless set; local brings the quarantine view up to the quarantine folder.
   */
  configure(args: TargetArgs): Promise<void>;
  /** Checks what must exist before dbt starts; returns the DuckDB file dbt opens, if any. */
  preflight(args: TargetArgs): { warehouse?: string };
}
