import { fillPlaceholders, sql, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { rawRunnerOf, rows, type Db } from "./client";

/**
 * Hot statements whose SQL text is built once and run straight on the driver, so that postgres.js
 * really prepares them when the database was opened with `prepare: true` (DATABASE_PREPARE=1):
 * Drizzle's `db.execute` sends every statement with `prepare: false`, and an unprepared
 * parameterised statement costs postgres.js two round trips and Postgres a parse and plan on every
 * call. With prepare off (a transaction pooler) the same text runs unprepared; on PGlite it runs
 * through PGlite's own query. A database opened elsewhere, or a transaction, runs the same
 * statement through drizzle with the values inlined as parameters.
 */

type Values = Record<string, unknown>;

/** What a statement's builder gets for each value: something to interpolate into `sql`, never to branch on. */
export type Params<V extends Values> = { readonly [K in keyof V]: unknown };

type Compiled = { text: string; params: unknown[] };

/** Wraps every prepared statement's run (tracing gives each one a span, as for drizzle's statements). */
export type StatementObserver = (text: string, run: () => Promise<unknown[]>) => Promise<unknown[]>;
let observer: StatementObserver = (_text, run) => run();

export function observePreparedStatements(wrap: StatementObserver): void {
  observer = wrap;
}

const dialect = new PgDialect();

export class PreparedQuery<V extends Values> {
  #compiled: Compiled | undefined;

  constructor(
    private readonly keys: readonly (keyof V & string)[],
    private readonly build: (params: Params<V>) => SQL,
  ) {}

  /** The SQL text and its parameters, placeholders standing for the values; built on first use. */
  compiled(): Compiled {
    if (!this.#compiled) {
      const placeholders = Object.fromEntries(this.keys.map((k) => [k, sql.placeholder(k)])) as Params<V>;
      const query = dialect.sqlToQuery(this.build(placeholders));
      this.#compiled = { text: query.sql, params: query.params };
    }
    return this.#compiled;
  }

  async rows<T>(db: Db, values: V): Promise<T[]> {
    const run = rawRunnerOf(db);
    if (!run) return rows<T>(db, this.build(values));
    const { text, params } = this.compiled();
    return (await observer(text, () => run(text, fillPlaceholders(params, values)))) as T[];
  }
}

/**
 * A list of ints as one statement parameter, in Postgres' array text form ("{1,2,3}"), for a
 * `${param}::int[]` in the statement: one text serves lists of any length.
 */
export function intArrayParam(values: readonly number[]): string {
  return `{${values.join(",")}}`;
}

/**
 * A list of strings as one statement parameter, for a `${param}::text[]`: each element quoted,
 * with its quotes and backslashes escaped, in Postgres' array text form.
 */
export function textArrayParam(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replace(/["\\]/g, "\\$&")}"`).join(",")}}`;
}

/**
 * SQL: a list parameter (intArrayParam, textArrayParam) as the statement should read it,
 * `(select $n::int[])`. Postgres plans a prepared statement afresh on each call for as long as those
 * plans look cheaper than its generic plan, and with a bare `$n::int[]` they always do: each call's
 * plan is costed for the list's actual length (usually 1), the generic one for ten elements. Behind
 * a sub-select neither knows the length, both cost the same, and from the sixth call Postgres keeps
 * the generic plan. The submit statement spent about a third of its Postgres time planning.
 */
export function listParam(param: unknown, type: "int" | "text"): SQL {
  // The cast after the sub-select keeps it a value where a bare one would be read as a row source:
  // `= any((select …))` compares with each row, `= any((select …)::text[])` with each element.
  const array = sql.raw(`${type}[]`);
  return sql`(select ${param}::${array})::${array}`;
}

/** A statement with the given named values; `build` is called once (and again only for a transaction). */
export function preparedQuery<V extends Values>(
  keys: readonly (keyof V & string)[],
  build: (params: Params<V>) => SQL,
): PreparedQuery<V> {
  return new PreparedQuery(keys, build);
}

/**
 * A family of statements whose text depends on a few fixed choices (a sort order, whether a
 * cursor or a search is given): each variant is built and prepared once, on first use.
 */
export function preparedVariants<Variant extends string, V extends Values>(
  keys: readonly (keyof V & string)[],
  build: (variant: Variant, params: Params<V>) => SQL,
): (variant: Variant) => PreparedQuery<V> {
  const made = new Map<Variant, PreparedQuery<V>>();
  return (variant) => {
    let query = made.get(variant);
    if (!query) {
      query = new PreparedQuery(keys, (params) => build(variant, params));
      made.set(variant, query);
    }
    return query;
  };
}
