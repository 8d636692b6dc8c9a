// `npm run jobs -- fold` | `npm run jobs -- correct`: run an engine job once, with progress output.
import { openFromEnv } from "@/db/client";
import { engineConfig } from "@/server/ratings/config";
import { runCorrection } from "@/server/ratings/correction";
import { runFold } from "@/server/ratings/fold";
import { runCli } from "@/server/cli";

async function main() {
  const job = process.argv[2];
  if (job !== "fold" && job !== "correct") {
    console.error("usage: npm run jobs -- fold | correct");
    process.exit(2);
  }
  const config = engineConfig();
  const handle = await openFromEnv();
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
