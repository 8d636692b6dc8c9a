// `npm run bench:pgbench`: the Postgres-side capacity comparison of bench/pgbench-capacity.ts alone.
// Options: --seconds S --clients N --users N --posts N.
import { parseArgs } from "node:util";
import { runPgbench } from "./pgbench-capacity";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "20" },
    clients: { type: "string", default: "16" },
    users: { type: "string", default: "100000" },
    posts: { type: "string", default: "1000" },
  },
});

runPgbench({
  seconds: Number(values.seconds),
  clients: Number(values.clients),
  users: Number(values.users),
  posts: Number(values.posts),
}).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
