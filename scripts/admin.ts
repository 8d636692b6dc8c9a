// `npm run admin -- grant EMAIL` | `npm run admin -- revoke EMAIL`: make an account an admin, or not.
import { openConfiguredDb } from "@/server/runtime";
import { setRole } from "@/server/users/roles";
import { runCli } from "./run-cli";

async function main() {
  const [action, email] = process.argv.slice(2);
  if ((action !== "grant" && action !== "revoke") || !email) {
    console.error("usage: npm run admin -- grant EMAIL | revoke EMAIL");
    process.exit(2);
  }
  const handle = await openConfiguredDb();
  try {
    if (!(await setRole(handle.db, email, action === "grant" ? "admin" : "user"))) {
      console.error(`no account has the email ${email}`);
      process.exitCode = 1;
      return;
    }
    console.log(
      `${email} is ${action === "grant" ? "now an admin" : "no longer an admin"} (ends their sessions; takes effect at their next request)`,
    );
  } finally {
    await handle.close();
  }
}

runCli(main);
