import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { QueryEngine } from '../../../tools/engines/query-engine.js';
import type { Target } from '../../../tools/targets/target.js';

/** A target that records which of its pieces a command took, and answers with canned results. */
const calls: string[] = [];
const engine: QueryEngine = {
  name: 'fake',
  exec: async () => undefined,
  query: async () => [],
  close: async () => undefined,
};
const report = (what: string) => ({ title: () => `${what} title`, fields: { what }, line: `${what} line` });
const fake: Target = {
  name: 'fake',
  summary: 'records calls',
  catalogsQuarantine: false,
  etlStateInLake: false,
  pipeline: ['crawl', 'etl'],
  addOptions: (y) => y,
  generate: async (_a, r) => {
    calls.push(`generate ${r.from} months=${r.months} orders=${r.ordersPerMonth} seed=${r.seed}`);
    return { files: [], orders: 0, skipped: 0, bytes: 0 } as never;
  },
  upload: async (_a, r) => {
    calls.push(`upload concurrency=${r.concurrency}`);
    return report('upload');
  },
  etl: async (_a, r) => {
    calls.push(`etl files=${r.files?.join(',')} force=${r.force} localCompute=${r.localCompute}`);
    return { ...report('etl'), sources: [] };
  },
  crawl: async () => {
    calls.push('crawl');
    return report('crawl');
  },
  withQueryEngine: async (_a, access, work) => {
    calls.push(`engine readOnly=${access.readOnly}`);
    return work(engine);
  },
  dbt: {
    profile: 'local',
    describe: async () => 'fake dbt',
    configure: async () => {
      calls.push('dbt.configure');
    },
    preflight: () => {
      calls.push('dbt.preflight');
      throw new Error('stop before dbt');
    },
  },
  published: () => ({ csvDir: '/fake/csv', dashboardDir: '/fake/dashboard' }),
  publish: async () => {
    calls.push('publish');
    return report('publish');
  },
  dashboardLink: async () => 'link',
};

vi.mock('../../../tools/targets/registry.js', async (original) => ({
  ...(await original<typeof import('../../../tools/targets/registry.js')>()),
  targetFor: (name: string) => {
    calls.push(`targetFor ${name}`);
    return fake;
  },
}));

const commands = await (await import('../../../tools/commands/index.js')).loadCommands();
const handler = (name: string) => {
  const command = commands.find((c) => String(c.command).startsWith(name));
  return async (args: Record<string, unknown>): Promise<void> =>
    command!.handler({ target: 'fake', lake: '/fake/lake', _: [], $0: 'ops', ...args });
};

beforeEach(() => {
  calls.length = 0;
  vi.spyOn(process.stdout, 'write').mockReturnValue(true);
  vi.spyOn(process.stderr, 'write').mockReturnValue(true);
});
afterEach(() => vi.restoreAllMocks());

describe('every command takes its target-specific pieces from the target', () => {
  it('crawl, upload and etl call the target with the parsed flags', async () => {
    await handler('crawl')({});
    await handler('upload')({ concurrency: 4 });
    await handler('etl')({ file: ['a.json'], force: true, 'local-compute': true });

    expect(calls).toEqual([
      'targetFor fake',
      'crawl',
      'targetFor fake',
      'upload concurrency=4',
      'targetFor fake',
      'etl files=a.json force=true localCompute=true',
    ]);
  });

  it('create-views writes through the engine, export-outputs reads it read-only', async () => {
    await handler('create-views')({});
    const exported = await handler('export-outputs')({}).catch((e: unknown) => e);

    expect(calls.filter((c) => c.startsWith('engine'))).toEqual([
      'engine readOnly=false',
      'engine readOnly=true',
    ]);
    // The fake engine has no rows: the export refuses to write empty files.
    expect(exported).toMatchObject({ code: 'NO_DATA' });
  });

  it('transform configures and checks the target dbt binding before running dbt', async () => {
    await expect(handler('transform')({})).rejects.toThrow('stop before dbt');
    expect(calls).toEqual(['targetFor fake', 'dbt.configure', 'targetFor fake', 'dbt.preflight']);
  });

  it('generate asks the target, and pipeline runs exactly the steps the target lists', async () => {
    await handler('generate')({ from: '2025-01', months: 1, 'orders-per-month': 1, seed: 1, force: false });
    calls.length = 0;
    await handler('pipeline')({});

    expect(calls).toEqual([
      'targetFor fake',
      'crawl',
      'etl files=undefined force=undefined localCompute=undefined',
    ]);
  });

  it('pipeline hands its dataset flags, as typed, to the generate step', async () => {
    const steps = fake.pipeline;
    Object.assign(fake, { pipeline: ['generate'] });
    try {
      const flags = { from: '2025-06', months: '3', 'orders-per-month': '1.5k', seed: '7', force: false };
      await handler('pipeline')(flags);
      expect(calls).toEqual(['targetFor fake', 'generate 2025-06 months=3 orders=1500 seed=7']);

      calls.length = 0;
      const refused = await handler('pipeline')({ ...flags, 'orders-per-month': '5kb' }).catch((e) => e);
      expect(refused).toMatchObject({
        code: 'BAD_OPTION',
        message: expect.stringMatching(/e\.g\. 5000, 5k/),
      });
      expect(calls).toEqual(['targetFor fake']); // refused before any step ran
    } finally {
      Object.assign(fake, { pipeline: steps });
    }
  });
});
