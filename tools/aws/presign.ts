import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, SourceData } from '@smithy/types';

const bytes = (d: SourceData): string | Uint8Array =>
  typeof d === 'string'
    ? d
    : ArrayBuffer.isView(d)
      ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength)
      : new Uint8Array(d);

/** SHA-256 (or HMAC-SHA-256 with a secret) in the shape SignatureV4 expects, from node:crypto. */
class Sha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

/** What a presigned GET needs: the object, where S3 answers, and who signs. */
export interface PresignRequest {
  bucket: string;
  key: string;
  region: string;
  credentials: AwsCredentialIdentity;
  /** An S3-compatible endpoint (path-style, as `--endpoint-url`); default the regional AWS endpoint. */
  endpoint?: string;
  expiresInSeconds: number;
}

/**
 * A SigV4 query-string-signed GET URL for one object: anyone holding it may read that object until
 * it expires, without AWS credentials. Built with the SDK's own signer (@smithy/signature-v4).
 */
export async function presignGetUrl(r: PresignRequest): Promise<string> {
  const base = new URL(r.endpoint ?? `https://${r.bucket}.s3.${r.region}.amazonaws.com`);
  const objectPath = r.endpoint
    ? `/${r.bucket}/${r.key.split('/').map(encodeURIComponent).join('/')}`
    : `/${r.key.split('/').map(encodeURIComponent).join('/')}`;
  const signer = new SignatureV4({
    service: 's3',
    region: r.region,
    credentials: r.credentials,
    sha256: Sha256,
    uriEscapePath: false,
  });
  const signed = await signer.presign(
    {
      method: 'GET',
      protocol: base.protocol,
      hostname: base.hostname,
      ...(base.port ? { port: Number(base.port) } : {}),
      path: objectPath,
      headers: { host: base.host },
      query: {},
    },
    { expiresIn: r.expiresInSeconds },
  );
  const query = new URLSearchParams(signed.query as Record<string, string>).toString().replace(/\+/g, '%20');
  return `${base.protocol}//${base.host}${objectPath}?${query}`;
}
