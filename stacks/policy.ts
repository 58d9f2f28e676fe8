/**
 * Typed IAM policy documents, rendered with `JSON.stringify`: tokens (ARNs of resources in the
 * stack) inside the strings become Terraform interpolations, and the synthesized policy stays
 * plain JSON that tests and checkov can read.
 */

export type Principal = '*' | { AWS?: string | string[]; Service?: string | string[] };

/** One IAM statement; `Sid` names why it exists. */
export interface Statement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  /** Omitted only in trust policies, which name no resource. */
  Resource?: string | string[];
  Principal?: Principal;
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** A policy document string for `policy` / `assume_role_policy` arguments. */
export function policyDocument(statements: Statement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/**
 * Trust policy that lets one AWS service assume a role. `sourceAccount` limits it to calls on
 * behalf of this account (confused-deputy guard); pass it only for services documented to send
 * `aws:SourceAccount` when they assume a role, since for others the condition never matches.
 */
export function assumeRolePolicy(service: string, sourceAccount?: string): string {
  return policyDocument([
    {
      Sid: 'ServiceAssumesRole',
      Effect: 'Allow',
      Principal: { Service: service },
      Action: 'sts:AssumeRole',
      ...(sourceAccount && { Condition: { StringEquals: { 'aws:SourceAccount': sourceAccount } } }),
    },
  ]);
}

/** Deny any request to a bucket that is not TLS 1.2+ (the "TLS-only bucket policy"). */
export function denyInsecureTransport(bucketArn: string): Statement[] {
  const resources = [bucketArn, `${bucketArn}/*`];
  return [
    {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: resources,
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
    {
      Sid: 'DenyOutdatedTls',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: resources,
      Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } },
    },
  ];
}
