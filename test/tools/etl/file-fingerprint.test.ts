import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discardStaged } from '../../../lambda/core/process-source.js';
import { ContentHash, sha256File } from '../../../tools/etl/file-fingerprint.js';
import { stageLocalSource } from '../../../tools/etl/stage-local-source.js';
import { generateDataset } from '../../../tools/generator/index.js';
import { LocalObjectStore } from '../../../tools/storage/local-object-store.js';

/**
 * `ops etl` hashes a raw file from the bytes it parses (one read, not two). The fingerprint must
 * still be the SHA-256 of the whole file: the state compares it with the file's next content.
 */
let lake: string;
const raw = (name: string) => path.join(lake, 'raw', 'store_sales', name);
const shaOf = async (file: string) =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

beforeAll(async () => {
  lake = await mkdtemp(path.join(os.tmpdir(), 'fingerprint-'));
  await mkdir(path.join(lake, 'staging'));
  // ~3.5 MB: read in several 1 MiB chunks
  await generateDataset({ lake, from: '2025-03', months: 1, ordersPerMonth: 5000, seed: 3, force: false });
});
afterAll(() => rm(lake, { recursive: true, force: true }));

async function stagedSha(name: string): Promise<string> {
  const staged = await stageLocalSource(new LocalObjectStore(lake), `raw/store_sales/${name}`, {
    tmpDir: path.join(lake, 'staging'),
  });
  await discardStaged(staged.source);
  return staged.fingerprint.sha256;
}

describe('the fingerprint of a staged raw file', () => {
  it('is the SHA-256 of the whole file, read in several chunks', async () => {
    const file = raw('orders_2025_03.json');
    expect((await readFile(file)).length).toBeGreaterThan(3 << 20);
    expect(await stagedSha('orders_2025_03.json')).toBe(await shaOf(file));
  });

  it('covers the bytes the ETL left unread: a file refused at its first bytes', async () => {
    // not JSON: reading stops at the sniff, the hash reads the rest
    await writeFile(
      raw('orders_2025_04.json'),
      Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(3 << 20, 7)]),
    );
    const sha = await stagedSha('orders_2025_04.json');
    expect(sha).toBe(await shaOf(raw('orders_2025_04.json')));
  });

  it('covers a broken JSON array read up to its problem', async () => {
    const lines = (await readFile(raw('orders_2025_03.json'), 'utf8')).trim().split('\n');
    // a missing comma after the first element stops the read there
    const array = `[${lines[0]}\n${lines.slice(1).join(',\n')}]`;
    await writeFile(raw('orders_2025_05.json'), array);
    expect(await stagedSha('orders_2025_05.json')).toBe(await shaOf(raw('orders_2025_05.json')));
  });
});

describe('ContentHash', () => {
  async function* chunksOf(bytes: Buffer, ...cuts: number[]) {
    let at = 0;
    for (const cut of cuts) {
      yield bytes.subarray(at, cut);
      at = cut;
    }
  }

  it('starts over with each read, hashes the rest of the file after a read stopped early, and the file itself when nothing was read', async () => {
    const file = raw('orders_2025_03.json');
    const bytes = await readFile(file);
    expect(await new ContentHash(file).digest()).toBe(await sha256File(file));
    const content = new ContentHash(file);
    for await (const _ of content.read(chunksOf(bytes, 1000, 2000))) break; // a pass discarded
    const passed: Uint8Array[] = [];
    for await (const chunk of content.read(chunksOf(bytes, 5000, bytes.length))) passed.push(chunk);
    expect(passed.map((c) => c.length)).toEqual([5000, bytes.length - 5000]);
    expect(await content.digest()).toBe(await shaOf(file));
    // a read that stops after 9,000 bytes: the rest comes from the file
    const early = new ContentHash(file);
    for await (const chunk of early.read(chunksOf(bytes, 5000, 9000, bytes.length)))
      if (chunk.length === 4000) break;
    expect(await early.digest()).toBe(await shaOf(file));
  });

  it('is the hash of the bytes read when the read went to the end, even if the file changed after', async () => {
    const file = path.join(lake, 'changing.json');
    const before = Buffer.from('{"a":1}\n'.repeat(1000));
    await writeFile(file, before);
    const content = new ContentHash(file);
    for await (const _ of content.read(chunksOf(before, 3000, before.length)));
    // read while it was being written (cut short), then written whole: the ETL processed `before`,
    // so that is what is recorded, and the next run sees another stamp and runs again
    await writeFile(file, Buffer.from('{"b":2}\n'.repeat(2000)));
    expect(await content.digest()).toBe(createHash('sha256').update(before).digest('hex'));
  });
});
