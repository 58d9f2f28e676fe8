import { type GlueClient, paginateGetPartitions, paginateGetTables, type Table } from '@aws-sdk/client-glue';

/** One table of the Glue database as the crawl summary reports it. */
export interface GlueTableInfo {
  name: string;
  location: string;
  /** Registered partitions as `YYYY-MM`, sorted; empty for projected tables. */
  partitions: string[];
  /** Partitions come from partition projection (no crawler registers them). */
  projected: boolean;
}

/** What the Glue database holds after a crawl. */
export interface GlueCatalogInfo {
  database: string;
  /** Every table of the database, by name (views included: Athena stores them as tables too). */
  tableNames: string[];
  /** The requested tables that exist, with their partitions. */
  tables: GlueTableInfo[];
  /** The requested tables the database does not have. */
  missing: string[];
}

async function partitionsOf(glue: GlueClient, database: string, table: string): Promise<string[]> {
  const out: string[] = [];
  for await (const page of paginateGetPartitions(
    { client: glue },
    { DatabaseName: database, TableName: table },
  )) {
    for (const p of page.Partitions ?? []) out.push((p.Values ?? []).join('-'));
  }
  return out.sort();
}

/**
 * Lists the database's tables (GetTables, every page) and, for the wanted ones, their partitions
 * (GetPartitions, every page): the crawl's result as the catalog sees it.
 */
export async function describeGlueTables(
  glue: GlueClient,
  database: string,
  wanted: readonly string[],
): Promise<GlueCatalogInfo> {
  const all: Table[] = [];
  for await (const page of paginateGetTables({ client: glue }, { DatabaseName: database })) {
    all.push(...(page.TableList ?? []));
  }
  const tables: GlueTableInfo[] = [];
  const missing: string[] = [];
  for (const name of wanted) {
    const table = all.find((t) => t.Name === name);
    if (!table) {
      missing.push(name);
      continue;
    }
    const projected = table.Parameters?.['projection.enabled'] === 'true';
    tables.push({
      name,
      location: table.StorageDescriptor?.Location ?? '',
      partitions: projected ? [] : await partitionsOf(glue, database, name),
      projected,
    });
  }
  return { database, tableNames: all.map((t) => t.Name ?? '').sort(), tables, missing };
}
