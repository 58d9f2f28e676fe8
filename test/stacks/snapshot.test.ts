import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Synthesized, synthStacks } from './synth-fixture.js';

let synth: Synthesized;
beforeAll(async () => {
  synth = await synthStacks();
});
afterAll(() => synth?.cleanup());

/** The stack JSON with what changes between machines and builds replaced by placeholders. */
function scrubbed(json: unknown, outdir: string): unknown {
  const text = JSON.stringify(json, null, 2)
    .replaceAll(process.cwd(), '<project>')
    .replaceAll(outdir, '<outdir>')
    .replace(/\b[0-9A-F]{32}\b/g, '<asset-hash>');
  return JSON.parse(text);
}

describe('synthesized stacks', () => {
  it.each(['dev', 'prod'] as const)(
    '%s matches the reviewed snapshot (asset hashes and paths scrubbed)',
    (stage) => {
      const stack = scrubbed(synth.stacks[stage], synth.outdir);
      expect(JSON.stringify(stack)).not.toMatch(/\/tmp\/|\/home\/|\/work\//);
      expect(stack).toMatchSnapshot();
    },
  );
});
