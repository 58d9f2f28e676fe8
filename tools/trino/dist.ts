import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { OpsError } from '../../contracts/ops-error.js';
import { cacheRoot } from '../lib/cache-root.js';
import { withDirLock } from '../lib/dir-lock.js';
import { extractTarGz, extractZip } from './extract.js';

/** The Trino release the project tests against: the newest Maven Central serves. */
export const TRINO_VERSION = '476';

const MAVEN = 'https://repo.maven.apache.org/maven2';

/** A Maven Central artifact of the server, with the SHA-1 pinned here (Central also publishes it). */
export interface Artifact {
  /** Path below the repository root. */
  path: string;
  sha1: string;
}

/** The server without connectors, and the Hive connector plugin (unpacked into plugin/hive). */
const SERVER: Artifact = {
  path: `io/trino/trino-server-core/${TRINO_VERSION}/trino-server-core-${TRINO_VERSION}.tar.gz`,
  sha1: '6bae2db438f8e6a2a8d9c8b566bb5e5b05870138',
};
const HIVE: Artifact = {
  path: `io/trino/trino-hive/${TRINO_VERSION}/trino-hive-${TRINO_VERSION}.zip`,
  sha1: '7b2a4b6468ebf92b47cf096d43c4133eea88ae20',
};

/** Reports download progress, one line per 10 %, on stderr. */
function progressMeter(label: string, total: number): Transform {
  let done = 0;
  let shown = -1;
  return new Transform({
    transform(chunk: Buffer, _enc, next) {
      done += chunk.length;
      const tenth = total ? Math.floor((done / total) * 10) : 0;
      if (tenth > shown) {
        shown = tenth;
        process.stderr.write(`trino: ${label} ${tenth * 10}% of ${(total / 1e6).toFixed(0)} MB\n`);
      }
      next(null, chunk);
    },
  });
}

async function fetchText(url: string): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  if (!res.ok) throw new Error(`HTTP ${res.status} for ${url}`);
  return (await res.text()).trim();
}

const CHECKSUM_HINT = 'retry; if it persists, a proxy or mirror serves a different file: do not use it';

/**
 * Downloads one artifact to `dest`, checking its SHA-1 against both the checksum file Maven
 * Central publishes beside it and the value pinned here. A mismatch deletes the file.
 */
export async function downloadArtifact(artifact: Artifact, dest: string, repository = MAVEN): Promise<void> {
  const url = `${repository}/${artifact.path}`;
  const label = path.basename(artifact.path);
  try {
    const published = (await fetchText(`${url}.sha1`)).split(/\s+/)[0];
    if (published !== artifact.sha1) {
      throw new OpsError(
        'TRINO_CHECKSUM',
        `${label}: Maven publishes SHA-1 ${published}, pinned ${artifact.sha1}`,
      );
    }
    const res = await fetch(url);
    if (!res.ok || !res.body) throw new Error(`HTTP ${res.status} for ${url}`);
    const hash = createHash('sha1');
    const hasher = new Transform({
      transform(chunk: Buffer, _enc, next) {
        hash.update(chunk);
        next(null, chunk);
      },
    });
    const total = Number(res.headers.get('content-length') ?? 0);
    await pipeline(
      Readable.fromWeb(res.body as never),
      progressMeter(label, total),
      hasher,
      createWriteStream(dest),
    );
    const actual = hash.digest('hex');
    if (actual !== artifact.sha1) {
      throw new OpsError(
        'TRINO_CHECKSUM',
        `${label}: downloaded SHA-1 ${actual}, expected ${artifact.sha1}`,
        CHECKSUM_HINT,
      );
    }
  } catch (err) {
    await rm(dest, { force: true });
    if (err instanceof OpsError) throw err;
    throw new OpsError(
      'TRINO_DOWNLOAD',
      `cannot download ${url}: ${(err as Error).message}`,
      'check the network',
      {
        cause: err,
      },
    );
  }
}

/**
 * Ensures `<cache>/trino-server-476` holds the server with the Hive plugin, downloading and
 * unpacking it the first time (about 450 MB). It is built in a temporary folder and renamed into
 * place at the end, so an interrupted run leaves nothing that looks installed; a lock makes
 * concurrent callers (test workers) wait for one download instead of sharing its folder.
 */
export async function ensureTrinoDist(cache: string = cacheRoot()): Promise<string> {
  const home = path.join(cache, `trino-server-${TRINO_VERSION}`);
  const installed = () => existsSync(path.join(home, 'plugin', 'hive'));
  if (installed()) return home;
  return withDirLock(cache, `.trino-server-${TRINO_VERSION}.lock`, async () =>
    installed() ? home : download(cache, home),
  );
}

async function download(cache: string, home: string): Promise<string> {
  const work = path.join(cache, `.trino-server-${TRINO_VERSION}.partial`);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  try {
    const started = performance.now();
    const tarball = path.join(work, path.basename(SERVER.path));
    const zip = path.join(work, path.basename(HIVE.path));
    await Promise.all([downloadArtifact(SERVER, tarball), downloadArtifact(HIVE, zip)]);
    process.stderr.write('trino: unpacking\n');
    await extractTarGz(tarball, work);
    const server = path.join(work, `trino-server-core-${TRINO_VERSION}`);
    await extractZip(zip, work);
    await rename(path.join(work, `trino-hive-${TRINO_VERSION}`), path.join(server, 'plugin', 'hive'));
    await rename(server, home);
    process.stderr.write(`trino: ${home} ready in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
    return home;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
