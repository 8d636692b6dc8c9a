// A fold in its own process, slowed down inside each batch's transaction so a test can SIGKILL it
// part-way. Reads DATABASE_URL or PGLITE_DIR like the app does.
import { openConfiguredDb } from "@/server/runtime";
import { runFold } from "@/server/ratings/fold";

const handle = await openConfiguredDb();
await runFold(
  handle.db,
  { policy: "steady", windowSeconds: 120 },
  {
    batchSize: 10,
    afterBatchStatement: async (batch) => {
      console.log(`batch ${batch.folded}`);
      await new Promise((resolve) => setTimeout(resolve, 150));
    },
  },
);
console.log("finished");
await handle.close();
