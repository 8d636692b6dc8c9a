// Coalesces concurrent calls into shared statements ("group commit" in the application): the
// ratings' writes (server/ratings/submit.ts) and the API tokens' first lookups
// (server/users/tokens.ts). A statement costs a round trip, a plan execution and, for a write, its
// triggers and a commit, whatever it carries, and under load those dominate one call's own work;
// so while the queue's statements are all in flight, new calls wait, and the next statement takes
// every call waiting by then. At low load a call finds a free slot and runs alone at once, so
// batching never adds a wait of its own.

import { rawRunnerOf, type Db } from "./client";

/** Runs one batch in one statement: a result per item, in order, or throws for the whole batch. */
export type BatchRun<I, R> = (batch: I[]) => Promise<R[]>;

export type StatementQueueOptions<I> = {
  /** Statements in flight at once (each holds a database connection). */
  inFlight: number;
  /** Items per statement at most. */
  maxBatch: number;
  /**
   * Items with the same key never share a statement nor run at once: they run one after the other,
   * in the order they were written (one user's ratings).
   */
  key: (item: I) => string | number;
};

type Waiting<I, R> = { item: I; resolve: (result: R) => void; reject: (error: unknown) => void };

export class StatementQueue<I, R> {
  readonly #waiting: Waiting<I, R>[] = [];
  /** Keys of the items in flight. */
  readonly #busy = new Set<string | number>();
  #running = 0;

  constructor(
    private readonly run: BatchRun<I, R>,
    private readonly options: StatementQueueOptions<I>,
  ) {}

  call(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#waiting.push({ item, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#running < this.options.inFlight && this.#waiting.length > 0) {
      const batch = this.#take();
      if (batch.length === 0) return; // every waiting item's key is in flight
      this.#running += 1;
      void this.#settle(batch).finally(() => {
        for (const waiting of batch) this.#busy.delete(this.options.key(waiting.item));
        this.#running -= 1;
        this.#pump();
      });
    }
  }

  /**
   * The oldest waiting items, at most maxBatch, none whose key is in flight and no two with one key
   * (the later waits: a key's items leave in order); the rest keep their order.
   */
  #take(): Waiting<I, R>[] {
    const taken: Waiting<I, R>[] = [];
    const seen = new Set<string | number>();
    let kept = 0;
    for (const waiting of this.#waiting) {
      const key = this.options.key(waiting.item);
      const free = !seen.has(key) && !this.#busy.has(key);
      seen.add(key);
      if (free && taken.length < this.options.maxBatch) {
        this.#busy.add(key);
        taken.push(waiting);
      } else {
        this.#waiting[kept++] = waiting;
      }
    }
    this.#waiting.length = kept;
    return taken;
  }

  async #settle(batch: Waiting<I, R>[]): Promise<void> {
    try {
      const results = await this.run(batch.map((waiting) => waiting.item));
      batch.forEach((waiting, index) => waiting.resolve(results[index]!));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      // One item's failure (an account deleted meanwhile, a deadlock with another batch) must not
      // become the others': each runs again alone, in this statement's slot, for its own outcome.
      for (const waiting of batch) {
        try {
          const [result] = await this.run([waiting.item]);
          waiting.resolve(result!);
        } catch (own) {
          waiting.reject(own);
        }
      }
    }
  }
}

/**
 * A call that shares statements with its concurrent twins on a database this process opened (one
 * queue per database, made on first use). On any other database (a transaction, one opened
 * elsewhere) each call runs alone, as a batch of one.
 */
export function sharedStatements<I, R>(
  run: (db: Db, batch: I[]) => Promise<R[]>,
  options: StatementQueueOptions<I>,
): (db: Db, item: I) => Promise<R> {
  const queues = new WeakMap<Db, StatementQueue<I, R>>();
  return (db, item) => {
    let queue = queues.get(db);
    if (!queue && rawRunnerOf(db)) {
      queue = new StatementQueue((batch) => run(db, batch), options);
      queues.set(db, queue);
    }
    return queue ? queue.call(item) : run(db, [item]).then(([result]) => result!);
  };
}
