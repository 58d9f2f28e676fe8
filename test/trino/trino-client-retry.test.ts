import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TrinoClient } from '../../tools/trino/trino-engine.js';

// A stand-in coordinator for the one condition a real Trino cannot be made to show on demand: a
// statement refused because no worker has announced itself yet (a starting or overloaded node).
// The real server's path is covered by the Trino target tests.
let server: Server | undefined;

/** Answers each POSTed statement with the next of `answers` (the last one repeats). */
async function coordinator(answers: object[]): Promise<{ url: string; statements: string[] }> {
  const statements: string[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      statements.push(body);
      const answer = answers[Math.min(statements.length, answers.length) - 1];
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `q${statements.length}`, ...answer }));
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, statements };
}

const client = (url: string) => new TrinoClient({ url, user: 'u', catalog: 'hive', schema: 's' });
const noNodes = { error: { message: 'No nodes available to run query', errorName: 'NO_NODES_AVAILABLE' } };
const result = { columns: [{ name: 'n', type: 'integer' }], data: [[7]] };

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

describe('TrinoClient.run', () => {
  it('sends a statement refused with NO_NODES_AVAILABLE again until a node takes it', async () => {
    const trino = await coordinator([noNodes, noNodes, result]);

    const { rows } = await client(trino.url).run('SELECT 7 AS n');

    expect(rows).toEqual([{ n: 7 }]);
    expect(trino.statements).toEqual(['SELECT 7 AS n', 'SELECT 7 AS n', 'SELECT 7 AS n']);
  });

  it('sends any other failed statement once and reports its error', async () => {
    const trino = await coordinator([
      { error: { message: 'line 1:8: Column x cannot be resolved', errorName: 'COLUMN_NOT_FOUND' } },
      result,
    ]);

    await expect(client(trino.url).run('SELECT x')).rejects.toMatchObject({
      code: 'TRINO_QUERY_FAILED',
      message: 'line 1:8: Column x cannot be resolved',
    });
    expect(trino.statements).toEqual(['SELECT x']);
  });
});
