import { PROJECT, type StageConfig } from './config.js';

/**
 * The one naming helper: every real AWS name in the stack comes from here, so a stage's
 * resources are recognisable (`store-sales-dev-…`) and two stages never collide.
 */
export class Naming {
  constructor(
    private readonly config: Pick<StageConfig, 'stage' | 'region' | 'partition'>,
    /** Account id (usually a token of `aws_caller_identity`); S3 bucket names are global. */
    private readonly accountId: string,
  ) {}

  /** Terraform stack name, also the cdktf.out folder: `store-sales-dev`. */
  static stackName(stage: string): string {
    return `${PROJECT}-${stage}`;
  }

  /** Hyphenated name for IAM, Lambda, SQS, KMS alias, Athena: `store-sales-dev-etl`. */
  name(suffix: string): string {
    return `${PROJECT}-${this.config.stage}-${suffix}`;
  }

  /**
   * Globally unique bucket name: `store-sales-dev-raw-<account>-<region>` (at most 63 chars for
   * suffixes up to 14 chars and the longest region names).
   */
  bucket(suffix: string): string {
    return `${this.name(suffix)}-${this.accountId}-${this.config.region}`;
  }

  /** Underscored name for Glue and Athena identifiers (hyphens need quoting in SQL): `store_sales_dev`. */
  glue(suffix?: string): string {
    const base = `${PROJECT}_${this.config.stage}`.replaceAll('-', '_');
    return suffix ? `${base}_${suffix}` : base;
  }

  /** ARN of a service resource in this stack's account and region. */
  arn(service: string, resource: string): string {
    return `arn:${this.config.partition}:${service}:${this.config.region}:${this.accountId}:${resource}`;
  }
}
