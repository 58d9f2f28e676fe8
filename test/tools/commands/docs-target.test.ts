import { describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { docsCommand } from '../../../tools/commands/docs.js';

// `ops docs` builds the site from the local warehouse: it took --target aws or trino and quietly
// documented the local DuckDB build instead.
describe('ops docs', () => {
  it('offers the local target only, and refuses another before running anything', () => {
    const parser = yargs()
      .command(docsCommand)
      .fail((message) => {
        throw new Error(message);
      })
      .exitProcess(false);

    // validation fails while parsing, before the (async) handler could start dbt
    expect(() => parser.parse(['docs', '--target', 'aws'])).toThrow(
      /Argument: target, Given: "aws", Choices: "local"/,
    );
    expect(() => parser.parse(['docs', '--target', 'trino'])).toThrow(/Choices: "local"/);
  });
});
