import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACT_TABLES } from '../../contracts/fact-tables.js';
import { trinoDbtEnv } from '../../tools/trino/dbt-env.js';
import { downloadArtifact } from '../../tools/trino/dist.js';
import { findJava, javaMajor } from '../../tools/trino/java.js';
import { renderServerConfig } from '../../tools/trino/server-config.js';
import { factTableDdl, trinoFactColumns } from '../../tools/trino/trino-catalog.js';
import { parseTrinoJson, toSqlValue } from '../../tools/trino/trino-protocol.js';

describe('Trino JSON', () => {
  it('keeps number literals exact, including BIGINTs past 2^53, and leaves strings alone', () => {
    const page = parseTrinoJson('{"data":[[9007199254740993,"12.50","a\\"1,2",-3,1.5e3,true,null]]}');
    expect(page).toEqual({ data: [['9007199254740993', '12.50', 'a"1,2', '-3', '1.5e3', true, null]] });
  });

  it('returns BIGINT and DECIMAL as strings and INTEGER as a number, as the DuckDB engine does', () => {
    const col = (rawType: string) => ({ name: 'c', type: rawType, typeSignature: { rawType } });
    expect(toSqlValue('9007199254740993', col('bigint'))).toBe('9007199254740993');
    expect(toSqlValue('25502110.35', col('decimal'))).toBe('25502110.35');
    expect(toSqlValue('42', col('integer'))).toBe(42);
    expect(toSqlValue('2025-01-01', col('date'))).toBe('2025-01-01');
    expect(toSqlValue(['1', '2'], col('array'))).toBe('["1","2"]');
    expect(toSqlValue(null, col('bigint'))).toBeNull();
  });
});

describe('server configuration', () => {
  const base = { port: 18123, dataDir: '/var/tmp/trino-data' };

  it('is one node that schedules work on itself, on the given loopback port, with a 2 GB heap and the client compiler', () => {
    const files = renderServerConfig(base);
    expect(files['config.properties']).toMatch(/^coordinator=true$/m);
    expect(files['config.properties']).toMatch(/^node-scheduler.include-coordinator=true$/m);
    expect(files['config.properties']).toMatch(/^http-server.http.port=18123$/m);
    expect(files['node.properties']).toMatch(/^node.bind-ip=127.0.0.1$/m);
    expect(files['jvm.config']).toMatch(/^-Xmx2G$/m);
    expect(files['jvm.config']).toMatch(/^-XX:TieredStopAtLevel=1$/m);
  });

  it('writes a Hive catalog with its file metastore and write staging under the data folder, and local files', () => {
    const hive = renderServerConfig(base)['catalog/hive.properties'] ?? '';
    expect(hive).toMatch(/^hive.metastore=file$/m);
    expect(hive).toMatch(/^hive.metastore.catalog.dir=local:\/\/\/var\/tmp\/trino-data\/metastore$/m);
    expect(hive).toMatch(/^fs.native-local.enabled=true$/m);
    expect(hive).toMatch(/^local.location=\/$/m);
    expect(hive).toMatch(/^hive.temporary-staging-directory-path=\/var\/tmp\/trino-data\/staging$/m);
    expect(hive).not.toMatch(/s3/);
  });

  it('adds the native S3 file system for an S3-compatible store', () => {
    const hive =
      renderServerConfig({
        ...base,
        s3: {
          endpoint: 'http://127.0.0.1:5000',
          region: 'us-east-1',
          pathStyle: true,
          accessKey: 'k',
          secretKey: 's',
        },
      })['catalog/hive.properties'] ?? '';
    for (const line of [
      'fs.native-s3.enabled=true',
      's3.endpoint=http://127.0.0.1:5000',
      's3.path-style-access=true',
      's3.region=us-east-1',
      's3.aws-access-key=k',
      's3.aws-secret-key=s',
    ]) {
      expect(hive.split('\n')).toContain(line);
    }
  });
});

describe('fact table DDL', () => {
  it('maps every contract column to a Trino type and puts the VARCHAR partitions last', () => {
    const columns = trinoFactColumns('fact_orders');
    expect(columns.map((c) => c.name)).toEqual(FACT_TABLES.fact_orders.columns.map((c) => c.name));
    expect(columns.find((c) => c.name === 'order_total')?.type).toBe('DECIMAL(18,2)');
    expect(columns.find((c) => c.name === 'order_timestamp')?.type).toBe('TIMESTAMP(3)');
    const ddl = factTableDdl('hive', 's', 'fact_orders', 'local:///tmp/lake/');
    expect(ddl).toContain("external_location = 'local:///tmp/lake/processed/store_sales/fact_orders'");
    expect(ddl).toMatch(/"order_year" VARCHAR,\n {2}"order_month" VARCHAR\n\)/);
  });
});

describe('finding Java', () => {
  let dir: string;
  /** A fake JDK whose `java -version` reports `version`. */
  const fakeJdk = async (name: string, version: string) => {
    const home = path.join(dir, name);
    await mkdir(path.join(home, 'bin'), { recursive: true });
    const java = path.join(home, 'bin', 'java');
    await writeFile(java, `#!/bin/sh\necho 'openjdk version "${version}" 2026-01-01' >&2\n`);
    await chmod(java, 0o755);
    return home;
  };
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'trino-java-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads the feature release of old and new version strings', () => {
    expect(javaMajor('openjdk version "25.0.3" 2026-04-21 LTS')).toBe(25);
    expect(javaMajor('java version "1.8.0_392"')).toBe(8);
  });

  it('takes the newest JDK of the scanned folders when none is named', async () => {
    const roots = path.join(dir, 'jvm');
    await mkdir(roots);
    await fakeJdk('jvm/jdk-17', '17.0.2');
    await fakeJdk('jvm/jdk-25', '25.0.1');
    expect(findJava({}, [roots])).toEqual({ home: path.join(roots, 'jdk-25'), major: 25 });
  });

  it('refuses a TRINO_JAVA_HOME that is too old (JAVA_TOO_OLD), and says so when nothing is found', async () => {
    const old = await fakeJdk('old', '17.0.9');
    expect(() => findJava({ TRINO_JAVA_HOME: old }, [])).toThrow(
      expect.objectContaining({ code: 'JAVA_TOO_OLD' }),
    );
    expect(() => findJava({ JAVA_HOME: old }, [])).toThrow(expect.objectContaining({ code: 'JAVA_TOO_OLD' }));
    expect(() => findJava({}, [])).toThrow(expect.objectContaining({ code: 'JAVA_MISSING' }));
  });
});

describe('artifact download', () => {
  const content = Buffer.from('not really a tarball');
  const sha1 = createHash('sha1').update(content).digest('hex');
  const files: Record<string, Buffer | string> = {};
  let server: http.Server;
  let repo: string;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'trino-dl-'));
    server = http.createServer((req, res) => {
      const body = files[req.url ?? ''];
      res.writeHead(body === undefined ? 404 : 200).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    repo = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps a file whose SHA-1 matches the pin and the published checksum', async () => {
    files['/a.tar.gz'] = content;
    files['/a.tar.gz.sha1'] = `${sha1}  a.tar.gz\n`;
    const dest = path.join(dir, 'a.tar.gz');
    await downloadArtifact({ path: 'a.tar.gz', sha1 }, dest, repo);
    expect(await readFile(dest)).toEqual(content);
  });

  it('deletes a corrupted download (TRINO_CHECKSUM)', async () => {
    files['/b.tar.gz'] = Buffer.from('tampered');
    files['/b.tar.gz.sha1'] = sha1;
    const dest = path.join(dir, 'b.tar.gz');
    await expect(downloadArtifact({ path: 'b.tar.gz', sha1 }, dest, repo)).rejects.toMatchObject({
      code: 'TRINO_CHECKSUM',
    });
    expect(existsSync(dest)).toBe(false);
  });

  it('refuses an artifact whose published checksum differs from the pin, before downloading', async () => {
    files['/c.tar.gz'] = content;
    files['/c.tar.gz.sha1'] = '0'.repeat(40);
    await expect(
      downloadArtifact({ path: 'c.tar.gz', sha1 }, path.join(dir, 'c'), repo),
    ).rejects.toMatchObject({
      code: 'TRINO_CHECKSUM',
    });
  });

  it('reports a missing artifact as TRINO_DOWNLOAD', async () => {
    await expect(
      downloadArtifact({ path: 'none.zip', sha1 }, path.join(dir, 'd'), repo),
    ).rejects.toMatchObject({
      code: 'TRINO_DOWNLOAD',
    });
  });
});

describe('dbt environment for Trino', () => {
  it("points the profile at the engine's server, catalog and schema, TLS and password when given", () => {
    const conn = {
      url: 'https://trino.example:8443',
      user: 'u',
      catalog: 'hive',
      schema: 's',
      password: 'p',
    };
    expect(trinoDbtEnv(conn)).toEqual({
      TRINO_HOST: 'trino.example',
      TRINO_PORT: '8443',
      TRINO_HTTP_SCHEME: 'https',
      TRINO_USER: 'u',
      TRINO_CATALOG: 'hive',
      TRINO_SCHEMA: 's',
      TRINO_PASSWORD: 'p',
    });
    expect(trinoDbtEnv({ ...conn, url: 'http://127.0.0.1:8080', password: undefined })).not.toHaveProperty(
      'TRINO_PASSWORD',
    );
  });
});
