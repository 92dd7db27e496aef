/**
 * Helpers for the typed access classes over the run store's tables.
 */
import type Database from 'better-sqlite3';

/**
 * Prepares each statement of `sql` once, under its name.
 *
 * The stores build their statements with it in their constructors, so a query's text sits
 * beside its name and a typo in one fails when the store is opened, not when it is first used.
 */
export function prepareAll<K extends string>(db: Database.Database, sql: Readonly<Record<K, string>>): Record<K, Database.Statement> {
  const statements = {} as Record<K, Database.Statement>;
  for (const name of Object.keys(sql) as K[]) statements[name] = db.prepare(sql[name]);
  return statements;
}
