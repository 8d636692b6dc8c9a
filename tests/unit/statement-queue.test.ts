import { describe, expect, it } from "vitest";
import { StatementQueue } from "@/db/statement-queue";

type Item = { user: number; value: number };

/** A runner whose statements finish only when the test says so. */
function controlledRunner(fail: (batch: Item[]) => boolean = () => false) {
  const batches: Item[][] = [];
  const release: (() => void)[] = [];
  const run = (batch: Item[]) => {
    batches.push(batch);
    return new Promise<string[]>((resolve, reject) => {
      release.push(() =>
        fail(batch)
          ? reject(new Error(`batch of ${batch.length} failed`))
          : resolve(batch.map((i) => `done ${i.value}`)),
      );
    });
  };
  const flush = async () => {
    while (release.length) {
      release.shift()!();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  };
  return { run, batches, flush };
}

describe("StatementQueue", () => {
  it("runs a write at once while a slot is free, and gathers what waits meanwhile into the next statement", async () => {
    const runner = controlledRunner();
    const queue = new StatementQueue(runner.run, { inFlight: 2, maxBatch: 100, key: (i: Item) => i.user });
    const results = Array.from({ length: 12 }, (_, n) => queue.call({ user: n, value: n }));
    // Two alone (the free slots), then everything that waited for them, together.
    expect(runner.batches.map((b) => b.length)).toEqual([1, 1]);
    await runner.flush();
    expect(await Promise.all(results)).toEqual(Array.from({ length: 12 }, (_, n) => `done ${n}`));
    expect(runner.batches.map((b) => b.length)).toEqual([1, 1, 10]);
    expect(runner.batches.flat().map((i) => i.value)).toEqual(Array.from({ length: 12 }, (_, n) => n));
  });

  it("never puts two writes of one key in a statement, and keeps each key's writes in order", async () => {
    const runner = controlledRunner();
    const queue = new StatementQueue(runner.run, { inFlight: 1, maxBatch: 100, key: (i: Item) => i.user });
    const first = queue.call({ user: 0, value: 0 });
    const rest = [1, 2, 3, 4, 5].map((value) => queue.call({ user: value % 2, value }));
    await runner.flush();
    await Promise.all([first, ...rest]);
    for (const batch of runner.batches) expect(new Set(batch.map((i) => i.user)).size).toBe(batch.length);
    const order = (user: number) =>
      runner.batches
        .flat()
        .filter((i) => i.user === user)
        .map((i) => i.value);
    expect(order(0)).toEqual([0, 2, 4]);
    expect(order(1)).toEqual([1, 3, 5]);
  });

  it("never runs two writes of one key at once, even with free slots", async () => {
    const runner = controlledRunner();
    const queue = new StatementQueue(runner.run, { inFlight: 4, maxBatch: 100, key: (i: Item) => i.user });
    const first = queue.call({ user: 7, value: 1 });
    const second = queue.call({ user: 7, value: 2 });
    const other = queue.call({ user: 8, value: 3 });
    // Slots are free, but user 7's second write waits for its first.
    expect(runner.batches.map((b) => b.map((i) => i.value))).toEqual([[1], [3]]);
    await runner.flush();
    await Promise.all([first, second, other]);
    expect(runner.batches.map((b) => b.map((i) => i.value))).toEqual([[1], [3], [2]]);
  });

  it("caps a statement at maxBatch writes", async () => {
    const runner = controlledRunner();
    const queue = new StatementQueue(runner.run, { inFlight: 1, maxBatch: 3, key: (i: Item) => i.user });
    const all = Array.from({ length: 8 }, (_, n) => queue.call({ user: n, value: n }));
    await runner.flush();
    await Promise.all(all);
    expect(runner.batches.map((b) => b.length)).toEqual([1, 3, 3, 1]);
  });

  it("gives each write of a failed statement its own outcome: the failing one its error, the others their results", async () => {
    const runner = controlledRunner((batch) => batch.some((i) => i.value === 2));
    const queue = new StatementQueue(runner.run, { inFlight: 1, maxBatch: 100, key: (i: Item) => i.user });
    const outcomes = Array.from({ length: 4 }, (_, n) =>
      queue.call({ user: n, value: n }).then(
        (result) => result,
        (error: Error) => error.message,
      ),
    );
    await runner.flush();
    expect(await Promise.all(outcomes)).toEqual(["done 0", "done 1", "batch of 1 failed", "done 3"]);
  });
});
