import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import yargs, { type Argv } from 'yargs';
import { loadCommands } from '../../tools/commands/index.js';

const commands = await loadCommands();

// Offline checks of README.md and docs/*.md: every relative link (and #anchor) resolves, every
// `npx ops <command> --flag` and `npm run <script>` exists, every repository path named in code
// exists. A small checker instead of a link-check package: no network, no new dependency.
const root = path.resolve(import.meta.dirname, '..', '..');
const docs = [
  'README.md',
  ...readdirSync(path.join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

/** Markdown with fenced code blocks blanked out (links inside code are not links). */
const prose = (md: string) => md.replace(/^```[\s\S]*?^```/gm, '');
/** Every piece of code: fenced blocks and inline spans (which may wrap across lines). */
function codeOf(md: string): string[] {
  const fenced = [...md.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
  const inline = [...prose(md).matchAll(/`([^`]+)`/g)].map((m) => m[1]!.replace(/\s*\n\s*/g, ' '));
  return [...fenced.flatMap((block) => block.split('\n')), ...inline];
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(md: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, text] of prose(md).matchAll(/^#{1,6}\s+(.+)$/gm)) {
    const slug = text!
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n ? `${slug}-${n}` : slug);
  }
  return out;
}

/** The long flags each `ops` command accepts, read from its yargs builder. */
function flagsOf(name: string): Set<string> | undefined {
  const command = commands.find((c) => String(c.command).split(' ')[0] === name);
  if (!command) return undefined;
  const builder = command.builder as (y: Argv) => Argv;
  const options = (
    builder(yargs()) as unknown as { getOptions(): { key: Record<string, unknown> } }
  ).getOptions();
  return new Set([...Object.keys(options.key), 'help', 'version']);
}

const scripts = Object.keys(JSON.parse(read('package.json')).scripts);
const NPM_BUILTINS = new Set(['ci', 'install', 'test', 'start', 'run', 'exec']);
/** Repository paths worth checking: they start with a tracked top-level folder or file. */
const REPO_PATH =
  /^(?:contracts|lambda|stacks|tools|dashboards|dbt|sql|test|docs|requirements|bin|native|\.github|\.ci)\/|^(?:package\.json|main\.ts|vitest\.config\.ts|cdktf\.json|biome\.json|stryker(?:\.ci)?\.config\.mjs|\.dependency-cruiser\.mjs)$/;
/** Generated folders and files named in the docs on purpose (dbt's, the native encoder's build). */
const GENERATED = /^dbt\/(?:target|logs)(?:\/|$)|^native\/parquet-encoder(?:\.log$|\/target\/)/;

describe.each(docs)('%s', (file) => {
  const md = read(file);
  const code = codeOf(md);

  it('has only relative links that resolve, anchors included', () => {
    const broken: string[] = [];
    for (const [, target] of prose(md).matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^(?:https?:|mailto:)/.test(target!)) continue;
      const [ref, anchor] = target!.split('#') as [string, string | undefined];
      const resolved = ref ? path.join(path.dirname(file), ref) : file;
      if (!existsSync(path.join(root, resolved))) broken.push(`${target}: no ${resolved}`);
      else if (anchor && resolved.endsWith('.md') && !anchorsOf(read(resolved)).has(anchor))
        broken.push(`${target}: no heading #${anchor} in ${resolved}`);
    }
    expect(broken).toEqual([]);
  });

  it('names only `npx ops` commands and flags that exist', () => {
    const unknown: string[] = [];
    for (const line of code) {
      for (const [, name, rest] of line.matchAll(/\bnpx ops ([a-z][\w-]*)([^|&;#`]*)/g)) {
        const flags = flagsOf(name!);
        if (!flags) {
          unknown.push(`npx ops ${name}`);
          continue;
        }
        for (const [, flag] of rest!.matchAll(/(?:^|\s)--([a-z][\w-]*)/g))
          if (!flags.has(flag!)) unknown.push(`npx ops ${name} --${flag}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it('names only npm scripts that exist', () => {
    const unknown: string[] = [];
    for (const line of code) {
      for (const [, script] of line.matchAll(/\bnpm run ([\w:-]+)/g))
        if (!scripts.includes(script!)) unknown.push(`npm run ${script}`);
      for (const [, sub] of line.matchAll(/(?:^|[\s(])npm ([a-z]+)/g))
        if (!NPM_BUILTINS.has(sub!)) unknown.push(`npm ${sub}`);
    }
    expect(unknown).toEqual([]);
  });

  it('names only repository paths that exist', () => {
    const missing: string[] = [];
    for (const span of code) {
      for (const word of span.split(/[\s,()]+/)) {
        const candidate = word.replace(/[.:;]+$/, '');
        if (!REPO_PATH.test(candidate) || GENERATED.test(candidate)) continue;
        // up to the folder before the first placeholder or glob: `sql/*.sql`, `test/<area>/`
        const cut = candidate.search(/[*<{…]/);
        const fixed = cut < 0 ? candidate : candidate.slice(0, candidate.lastIndexOf('/', cut) + 1);
        if (!existsSync(path.join(root, fixed))) missing.push(candidate);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('the README', () => {
  it('is a five-minute read: at most about 150 lines', () => {
    expect(read('README.md').split('\n').length).toBeLessThanOrEqual(150);
  });

  it('links every document in docs/', () => {
    const readme = read('README.md');
    const linked = [...readme.matchAll(/\]\((docs\/[^)#\s]+)/g)].map((m) => m[1]);
    const all = readdirSync(path.join(root, 'docs')).filter((f) =>
      statSync(path.join(root, 'docs', f)).isFile(),
    );
    expect(all.map((f) => `docs/${f}`).filter((f) => !linked.includes(f))).toEqual([]);
  });
});

describe('hints and errors', () => {
  /** Non-comment lines of the CLI's and its libraries' sources. */
  function sourceLines(dir: string): [string, string][] {
    const out: [string, string][] = [];
    for (const entry of readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })) {
      if (!entry.endsWith('.ts')) continue;
      const rel = path.join(dir, entry);
      for (const line of read(rel).split('\n'))
        if (!/^\s*(\*|\/\/|\/\*)/.test(line)) out.push([rel, line.trim()]);
    }
    return out;
  }

  // `npm run ops -- <command>` also works as typed (the refresh runner's buildspec uses it)
  it('name commands as typed: `npx ops <command>`, never a bare `ops <command>`', () => {
    const bare = ['tools', 'dashboards', 'lambda', 'contracts', 'stacks']
      .flatMap(sourceLines)
      .filter(([, line]) => /(?<!npx )\\?`ops [a-z-]+/.test(line))
      .map(([file, line]) => `${file}: ${line}`);
    expect(bare).toEqual([]);
  });
});
