import { readFile, rm, truncate, utimes, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpsError } from '../../../contracts/ops-error.js';
import { ETL_VERSION } from '../../../lambda/core/process-source.js';
import { etlFailure, localEtlFields } from '../../../tools/etl/etl-summary.js';
import { runLocalEtl } from '../../../tools/etl/run-local-etl.js';
import { lastEtlRun } from '../../../tools/exports/run-metadata.js';
import { jsonLines, tempLake, validOrder } from '../../lambda/support/orders.js';

const JAN = 'raw/store_sales/orders_2025_01.json';
const FEB = 'raw/store_sales/orders_2025_02.json';
let lake: Awaited<ReturnType<typeof tempLake>>;
beforeEach(async () => {
  lake = await tempLake();
  await lake.store.put(JAN, jsonLines([validOrder(1), validOrder(2)]));
  await lake.store.put(FEB, jsonLines([validOrder(3, 2025, 2)]));
});
afterEach(() => lake.cleanup());

const run = (extra: { files?: string[]; force?: boolean } = {}) => runLocalEtl({ lake: lake.root, ...extra });
const processedKeys = (s: Awaited<ReturnType<typeof run>>) => s.processed.map((r) => r.sourceKey);

describe('runLocalEtl', () => {
  it('processes new files, then skips them while nothing changed', async () => {
    const first = await run();
    const second = await run();

    expect(processedKeys(first)).toEqual([JAN, FEB]);
    expect(second).toMatchObject({ processed: [], skipped: [JAN, FEB], failed: [] });
    expect(localEtlFields(first, lake.root).quarantine).toBe('none');
    const state = JSON.parse(await readFile(`${lake.root}/state/etl-state.json`, 'utf8'));
    expect(state.sources[JAN]).toMatchObject({
      read: 2,
      loaded: 2,
      quarantined: 0,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('names the quarantine file of each source that had rejects in the run, and only those', async () => {
    await lake.store.put(FEB, `${jsonLines([validOrder(3, 2025, 2), validOrder(4, 2025, 2)])}not json\n`);

    const s = await run();

    expect(s).toMatchObject({ failed: [] });
    expect(s.processed.map((r) => [r.sourceKey, r.quarantined])).toEqual([
      [JAN, 0],
      [FEB, 1],
    ]);
    expect(localEtlFields(s, lake.root).quarantine).toBe(
      `${lake.root}/quarantine/store_sales/orders_2025_02.jsonl`,
    );

    // a backfill with rejects in many files: the first three, and how many more where
    for (const month of [3, 4, 5, 6])
      await lake.store.put(
        `raw/store_sales/orders_2025_0${month}.json`,
        `${jsonLines([validOrder(month, 2025, month)])}not json\n`,
      );
    const many = await run({
      files: [
        'orders_2025_03.json',
        'orders_2025_04.json',
        'orders_2025_05.json',
        'orders_2025_06.json',
        'orders_2025_02.json',
      ],
      force: true,
    });
    expect(many.processed.filter((r) => r.quarantined)).toHaveLength(5);
    expect(localEtlFields(many, lake.root).quarantine).toMatch(
      new RegExp(
        `^(${lake.root}/quarantine/store_sales/orders_2025_0\\d\\.jsonl, ){2}${lake.root}/quarantine/store_sales/orders_2025_0\\d\\.jsonl and 2 more in ${lake.root}/quarantine/store_sales/$`,
      ),
    );
  });

  it('skips a touched but identical file and processes a changed one', async () => {
    await run();
    const later = new Date(Date.now() + 60_000);
    await utimes(lake.store.pathOf(JAN), later, later);
    await lake.store.put(FEB, jsonLines([validOrder(3, 2025, 2), validOrder(4, 2025, 2)]));

    const s = await run();

    expect(processedKeys(s)).toEqual([FEB]);
    expect(s.skipped).toEqual([JAN]);
  });

  it('processes a file again when one of its outputs is gone, or when forced', async () => {
    const first = await run();
    await rm(lake.store.pathOf(first.processed[0]!.files[0]!));

    expect(processedKeys(await run())).toEqual([JAN]);
    expect(processedKeys(await run({ files: ['orders_2025_02.json'] }))).toEqual([FEB]);
    expect(processedKeys(await run({ force: true }))).toEqual([JAN, FEB]);
  });

  it('processes a file again when one of its Parquet outputs is cut short or overwritten', async () => {
    const first = await run();
    const [janOrders, janItems] = first.processed[0]!.files.map((k) => lake.store.pathOf(k));
    const whole = await readFile(janOrders!);
    await truncate(janOrders!, 1000);
    await writeFile(janItems!, 'not parquet');

    expect(processedKeys(await run())).toEqual([JAN]);
    expect(await readFile(janOrders!)).toEqual(whole);
    expect((await readFile(janItems!)).subarray(0, 4).toString()).toBe('PAR1');
    expect(processedKeys(await run())).toEqual([]);
  });

  it('reprocesses everything when the state was written by another ETL version', async () => {
    await run();
    const file = `${lake.root}/state/etl-state.json`;
    const state = await readFile(file, 'utf8');
    // the version this code writes, whatever it is now (a literal went stale at the last bump)
    expect(state).toContain(ETL_VERSION);
    await writeFile(file, state.replaceAll(ETL_VERSION, 'an-older-etl'));

    expect(processedKeys(await run())).toEqual([JAN, FEB]);
  });

  it('reports a failed file, still processes the others, and retries it on the next run', async () => {
    await lake.store.put(JAN, '\u0000\u0001binary');

    const first = await run();
    const second = await run();

    expect(first.failed.map((f) => f.key)).toEqual([JAN]);
    expect(processedKeys(first)).toEqual([JAN, FEB]);
    expect(second.failed.map((f) => f.key)).toEqual([JAN]);
    expect(second.skipped).toEqual([FEB]);
  });

  it('a file that fails after a successful run, then is deleted: the outputs it still had are removed', async () => {
    const first = await run();
    const janFacts = first.processed.find((r) => r.sourceKey === JAN)!.files;
    await lake.store.put(JAN, 'not json at all');
    const failed = await run();
    expect(failed.failed.map((f) => f.key)).toEqual([JAN]);
    // a failed run publishes no facts: the last successful run's stay, and are what the state records
    for (const key of janFacts) expect(await lake.store.head(key)).toBeDefined();
    const quarantine = 'quarantine/store_sales/orders_2025_01.jsonl';
    expect(await lake.store.head(quarantine)).toBeDefined();
    await rm(lake.store.pathOf(JAN));

    const s = await run();

    expect(s.retired).toEqual([JAN]);
    for (const key of [...janFacts, quarantine]) expect(await lake.store.head(key)).toBeUndefined();
    const state = JSON.parse(await readFile(`${lake.root}/state/etl-state.json`, 'utf8'));
    expect(Object.keys(state.sources)).toEqual([FEB]);
  });

  it('a failed file whose record an older ETL dropped: once deleted, its facts are removed all the same', async () => {
    const first = await run();
    const janFacts = first.processed.find((r) => r.sourceKey === JAN)!.files;
    // what an older ETL left after JAN failed: the facts published, no record of them
    const file = `${lake.root}/state/etl-state.json`;
    const state = JSON.parse(await readFile(file, 'utf8'));
    delete state.sources[JAN];
    await writeFile(file, JSON.stringify(state));
    await lake.store.put(JAN, 'not json at all');
    await run();
    for (const key of janFacts) expect(await lake.store.head(key)).toBeDefined();
    await rm(lake.store.pathOf(JAN));

    const s = await run();

    expect(s.retired).toContain(JAN);
    for (const key of janFacts) expect(await lake.store.head(key)).toBeUndefined();
  });

  it('blames the lake, not the raw files, when the file system refuses its outputs (FILE_SYSTEM), and recovers once fixed', async () => {
    // a file where the processed folder belongs: every publish is refused (ENOTDIR)
    await writeFile(`${lake.root}/processed`, 'in the way');

    const s = await run();

    expect(s.failed.map((f) => [f.key, f.errno])).toEqual([
      [JAN, 'ENOTDIR'],
      [FEB, 'ENOTDIR'],
    ]);
    expect(etlFailure(s)).toMatchObject({
      code: 'FILE_SYSTEM',
      hint: expect.stringMatching(
        /^the file system refused a path named above \(ENOTDIR\): check that the lake's folders are folders you may write, .*; then run `npx ops etl` again/,
      ),
    });
    // beside a file refused for its content, the raw files are to fix too: ETL_FAILED
    const mixed = { ...s, failed: [...s.failed, { key: 'raw/store_sales/x.json', error: 'empty_file: …' }] };
    expect(etlFailure(mixed)?.code).toBe('ETL_FAILED');
    await rm(`${lake.root}/processed`);
    const fixed = await run();
    expect(fixed.failed).toEqual([]);
    expect(processedKeys(fixed)).toEqual([JAN, FEB]);
  });

  it('a run that only removes a deleted month is the last ETL run (its data changed)', async () => {
    await run();
    const loaded = await lastEtlRun(lake.root);
    await rm(lake.store.pathOf(JAN));

    const s = await run();

    expect(s).toMatchObject({ processed: [], retired: [JAN] });
    const retiredAt = JSON.parse(await readFile(`${lake.root}/state/etl-state.json`, 'utf8')).retiredAt;
    expect(retiredAt > (loaded ?? '')).toBe(true);
    expect(await lastEtlRun(lake.root)).toBe(retiredAt);
    // a run that changes nothing moves it no further
    expect((await run()).skipped).toEqual([FEB]);
    expect(await lastEtlRun(lake.root)).toBe(retiredAt);
    // nor does deleting a file that never loaded (refused, so no facts of it were removed)
    const MAR = 'raw/store_sales/orders_2025_03.json';
    await lake.store.put(MAR, '');
    expect((await run()).failed.map((f) => f.key)).toEqual([MAR]);
    await rm(lake.store.pathOf(MAR));
    expect((await run()).retired).toEqual([MAR]);
    expect(await lastEtlRun(lake.root)).toBe(retiredAt);
  });

  it('a loaded month re-uploaded broken or empty fails, keeps its facts and their rejects, and is retried; `[]` empties it', async () => {
    // the good version rejects its third element
    await lake.store.put(JAN, JSON.stringify([validOrder(1), validOrder(2), { order_id: 'no-such-order' }]));
    const first = await run();
    const quarantined = async () =>
      (await readFile(lake.store.pathOf('quarantine/store_sales/orders_2025_01.jsonl'), 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { line_number: number; reason: string });
    const goodRejects = await quarantined();
    expect(goodRejects.map((r) => r.line_number)).toEqual([3]);
    const janFacts = first.processed.find((r) => r.sourceKey === JAN)!.files;
    const facts = Object.fromEntries(
      await Promise.all(janFacts.map(async (k) => [k, await readFile(lake.store.pathOf(k))] as const)),
    );
    const orders = [validOrder(1), validOrder(2), validOrder(6)].map((o) => JSON.stringify(o));
    for (const [body, error] of [
      // element 2 without its `}`, and thousands of valid orders after it
      [
        `[${orders[0]},\n${orders[1]!.slice(0, -1)},\n${Array.from({ length: 2000 }, (_, i) => JSON.stringify(validOrder(i + 10))).join(',\n')}]`,
        /^malformed_json_array: the JSON array is malformed: element 2 \(from byte [\d,]+, line 2\) is not closed where it should be/,
      ],
      [`[${orders.join(',')}`, /^malformed_json_array: .* without the closing `\]`: it looks cut short$/],
      [
        '',
        /^empty_file: the file is empty \(0 bytes\): the month keeps its previous facts \(to remove a month, delete its raw file/,
      ],
      ['  \n', /^empty_file: the file holds only whitespace \(3 bytes\)/],
    ] as const) {
      await lake.store.put(JAN, body);

      const s = await run();

      expect(s.failed, body.slice(0, 30)).toEqual([{ key: JAN, error: expect.stringMatching(error) }]);
      expect(s.processed.find((r) => r.sourceKey === JAN)).toMatchObject({ status: 'failed', loaded: 0 });
      for (const [k, bytes] of Object.entries(facts))
        expect(await readFile(lake.store.pathOf(k))).toEqual(bytes);
      const state = JSON.parse(await readFile(`${lake.root}/state/etl-state.json`, 'utf8'));
      expect(state.sources[JAN]).toMatchObject({ failed: true, files: janFacts, loaded: 0 });
      expect(etlFailure(s)?.message).toMatch(/^1 file\(s\) failed: raw\/store_sales\/orders_2025_01\.json: /);
      expect(etlFailure(s)?.hint).toMatch(
        /^see quarantine\/store_sales\/orders_2025_01\.jsonl; fix or remove the raw file/,
      );
      // the good version's reject stays, then this refusal alone (an earlier one is replaced)
      expect(await quarantined()).toEqual([
        ...goodRejects,
        expect.objectContaining({ line_number: 0, reason: String(error).match(/\^(\w+):/)?.[1] }),
      ]);
      // retried on the next run, failing the same way while the file is unchanged
      expect((await run()).failed.map((f) => f.key)).toEqual([JAN]);
    }

    await lake.store.put(JAN, '[]');
    const none = await run();
    expect(none.failed).toEqual([]);
    for (const k of janFacts) expect(await lake.store.head(k)).toBeUndefined();
  });

  it('a failed file is recorded as failed, its record replaced once the file is fixed', async () => {
    await run();
    await lake.store.put(JAN, 'not json at all');
    await run();
    const state = JSON.parse(await readFile(`${lake.root}/state/etl-state.json`, 'utf8'));
    expect(state.sources[JAN]).toMatchObject({ failed: true, loaded: 0 });

    await lake.store.put(JAN, jsonLines([validOrder(5)]));
    const fixed = await run();

    expect(processedKeys(fixed)).toEqual([JAN]);
    expect(fixed.failed).toEqual([]);
    const after = JSON.parse(await readFile(`${lake.root}/state/etl-state.json`, 'utf8'));
    expect(after.sources[JAN].failed).toBeUndefined();
    expect(await lake.store.head('quarantine/store_sales/orders_2025_01.jsonl')).toBeUndefined();
  });

  it('removes outputs no raw file and no state owns (a lost state), as a run on S3 does', async () => {
    const first = await run();
    const febOutputs = first.processed.find((r) => r.sourceKey === FEB)!.files;
    await rm(`${lake.root}/state/etl-state.json`);
    await rm(lake.store.pathOf(FEB));

    const s = await run();

    expect(s.retired).toEqual(['raw/store_sales/orders_2025_02.*']);
    for (const key of febOutputs) expect(await lake.store.head(key)).toBeUndefined();
    expect(processedKeys(s)).toEqual([JAN]);
  });

  it('a lake with no raw files is refused before anything is written (a mistyped --lake)', async () => {
    const wrong = `${lake.root}/not-the-lake`;

    const error = await runLocalEtl({ lake: wrong }).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'ETL_NO_RAW_FILES', hint: expect.stringMatching(/--lake/) });
    await expect(readFile(`${wrong}/state/etl-state.json`, 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('names the files in raw/store_sales/ it does not read (compressed, another extension, a subfolder)', async () => {
    await lake.store.put('raw/store_sales/orders_2025_03.json.gz', 'x');
    await lake.store.put('raw/store_sales/ORDERS_2025_04.JSON', '{}\n');
    await lake.store.put('raw/store_sales/old/orders_2024_12.json', '{}\n');
    await lake.store.put('raw/store_sales/.DS_Store', 'x');

    const s = await run();

    expect(processedKeys(s)).toEqual([JAN, FEB]);
    expect(s.ignored).toEqual([
      'raw/store_sales/ORDERS_2025_04.JSON',
      'raw/store_sales/old/orders_2024_12.json',
      'raw/store_sales/orders_2025_03.json.gz',
    ]);
    expect(localEtlFields(s, lake.root)).toMatchObject({
      'ignored (not .json, .jsonl or .ndjson directly in raw/store_sales/)': s.ignored.join(', '),
    });

    // With nothing else there, the refusal says what it found instead of "run generate".
    const other = await tempLake();
    try {
      await other.store.put('raw/store_sales/orders_2025_03.json.gz', 'x');
      const error = await runLocalEtl({ lake: other.root }).catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: 'ETL_NO_RAW_FILES',
        message: expect.stringContaining(
          '(1 other file(s) there, not read: raw/store_sales/orders_2025_03.json.gz)',
        ),
        hint: expect.stringContaining('.json, .jsonl or .ndjson'),
      });
    } finally {
      await other.cleanup();
    }
  });

  it('rejects --file names that are not raw sources, listing the ones there are', async () => {
    const error = await run({ files: ['orders_2031_01.json'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpsError);
    expect((error as OpsError).hint).toContain(JAN);
  });

  it('removes the outputs of a raw file deleted since its last run, so its orders are not counted twice', async () => {
    const first = await run();
    const janOutputs = first.processed.find((r) => r.sourceKey === JAN)!.files;
    await rm(lake.store.pathOf(JAN));

    const s = await run();

    expect(s.retired).toEqual([JAN]);
    for (const key of janOutputs) expect(await lake.store.head(key)).toBeUndefined();
    const state = JSON.parse(await readFile(`${lake.root}/state/etl-state.json`, 'utf8'));
    expect(Object.keys(state.sources)).toEqual([FEB]);
  });

  it('refuses raw files whose outputs would collide (same base name) and still processes the others', async () => {
    await lake.store.put('raw/store_sales/orders_2025_01.jsonl', jsonLines([validOrder(5)]));

    const s = await run();

    expect(processedKeys(s)).toEqual([FEB]);
    expect(s.failed.map((f) => f.key).sort()).toEqual([JAN, 'raw/store_sales/orders_2025_01.jsonl']);
    expect(s.failed[0]!.error).toMatch(/share the name "orders_2025_01"/);
  });
});
