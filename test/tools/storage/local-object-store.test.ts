import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidKeyError, ObjectNotFoundError } from '../../../lambda/core/object-store.js';
import { tempLake } from '../../lambda/support/orders.js';

let lake: Awaited<ReturnType<typeof tempLake>>;
beforeEach(async () => {
  lake = await tempLake();
});
afterEach(() => lake.cleanup());

const text = async (stream: AsyncIterable<Uint8Array>) => {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(Buffer.from(c));
  return Buffer.concat(parts).toString();
};

describe('LocalObjectStore', () => {
  it('puts bytes, text and local files under their keys and streams them back', async () => {
    await lake.store.put('a/b/one.txt', 'hello');
    await lake.store.put('a/two.bin', new Uint8Array([104, 105]));
    await lake.store.put('a/three.txt', { file: lake.store.pathOf('a/b/one.txt') });

    expect(await text(await lake.store.get('a/b/one.txt'))).toBe('hello');
    expect(await text(await lake.store.get('a/two.bin'))).toBe('hi');
    expect(await text(await lake.store.get('a/three.txt'))).toBe('hello');
  });

  it('lists by string prefix like S3, sorted, with size and a fingerprint, skipping hidden temporaries', async () => {
    await lake.store.put('raw/x/orders_2025_01.json', '1');
    await lake.store.put('raw/x/orders_2025_02.json', '22');
    await lake.store.put('raw/x/other.json', '333');
    await lake.store.put('raw/x/.orders_2025_03.json.abcd.tmp', 'partial');

    const listed = await lake.store.list('raw/x/orders_');

    expect(listed.map((o) => [o.key, o.size])).toEqual([
      ['raw/x/orders_2025_01.json', 1],
      ['raw/x/orders_2025_02.json', 2],
    ]);
    expect(listed[0]?.etag).toMatch(/^1-[0-9a-f]+$/);
    expect(await lake.store.list('nothing/here/')).toEqual([]);
  });

  it('reports missing objects: get throws ObjectNotFoundError, head is undefined, delete is a no-op', async () => {
    await expect(lake.store.get('no/such.json')).rejects.toBeInstanceOf(ObjectNotFoundError);
    expect(await lake.store.head('no/such.json')).toBeUndefined();
    await expect(lake.store.delete('no/such.json')).resolves.toBeUndefined();
  });

  it('reads an object in 1 MiB chunks into one reused buffer, the last one short', async () => {
    const bytes = Buffer.alloc((5 << 20) / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) % 251;
    await lake.store.put('raw/big.bin', bytes);
    const seen: Buffer[] = [];
    const buffers = new Set<ArrayBufferLike>();
    for await (const chunk of lake.store.chunks('raw/big.bin')) {
      seen.push(Buffer.from(chunk)); // a copy: the next chunk overwrites this one
      buffers.add(chunk.buffer);
    }
    expect(seen.map((c) => c.length)).toEqual([1 << 20, 1 << 20, (1 << 20) / 2]);
    expect(Buffer.concat(seen).equals(bytes)).toBe(true);
    expect(buffers.size).toBe(1);
    await lake.store.put('raw/empty.bin', '');
    expect(await text(lake.store.chunks('raw/empty.bin'))).toBe('');
    await expect(text(lake.store.chunks('no/such.json'))).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('refuses keys that would escape the lake', async () => {
    for (const key of ['../outside.txt', '/abs.txt', 'a/../../b', '']) {
      await expect(lake.store.put(key, 'x')).rejects.toBeInstanceOf(InvalidKeyError);
    }
  });

  it('replaces an object atomically and leaves no temporary file when the source file is missing', async () => {
    await lake.store.put('k/v.txt', 'old');

    await expect(lake.store.put('k/v.txt', { file: path.join(lake.root, 'missing') })).rejects.toThrow();

    expect(await text(await lake.store.get('k/v.txt'))).toBe('old');
    expect(await readdir(lake.store.pathOf('k'))).toEqual(['v.txt']);
  });
});
