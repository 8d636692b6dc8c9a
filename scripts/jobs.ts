// `npm run jobs -- fold` | `npm run jobs -- correct`: run an engine job once, with progress output.
import { openConfiguredDb } from "@/server/runtime";
import { serverConfig } from "@/server/env";
import { runCorrection } from "@/server/ratings/correction";
import { runFold } from "@/server/ratings/fold";
import { runCli } from "./run-cli";

async function main() {
  const job = process.argv[2];
  if (job !== "fold" && job !== "correct") {
    console.error("usage: npm run jobs -- fold | correct");
    process.exit(2);
  }
  const config = serverConfig().engine;
  const handle = await openConfiguredDb();
  const onProgress = (message: string) => console.log(message);
  try {
    const report =
      job === "fold"
        ? await runFold(handle.db, config, { onProgress })
        : await runCorrection(handle.db, config, { onProgress });
    console.log(JSON.stringify(report, null, 2));
  } finally {
    await handle.close();
  }
}

runCli(main);
