// `npm run admin -- grant EMAIL` | `revoke EMAIL`: make an account an admin, or not.
// `npm run admin -- create EMAIL NAME` (password on stdin): a new admin account, for a first admin.
import { registerInput } from "@/server/api/inputs";
import { describeZodError } from "@/server/api/trpc";
import { openConfiguredDb } from "@/server/runtime";
import { registerUser } from "@/server/users/accounts";
import { setRole } from "@/server/users/roles";
import { runCli } from "./run-cli";

const USAGE = "usage: npm run admin -- grant EMAIL | revoke EMAIL | create EMAIL NAME  (password on stdin)";

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

async function main() {
  const [action, email, name] = process.argv.slice(2);
  if (!email || !(action === "grant" || action === "revoke" || (action === "create" && name))) {
    console.error(USAGE);
    process.exit(2);
  }
  const input =
    action === "create" ? registerInput.safeParse({ email, name, password: await readStdin() }) : null;
  if (input && !input.success) {
    console.error(describeZodError(input.error));
    process.exit(2);
  }
  const handle = await openConfiguredDb();
  try {
    if (input?.data) await registerUser(handle.db, input.data);
    if (!(await setRole(handle.db, email, action === "revoke" ? "user" : "admin"))) {
      console.error(`no account has the email ${email}`);
      process.exitCode = 1;
      return;
    }
    console.log(
      action === "revoke"
        ? `${email} is no longer an admin (takes effect at their next request; their sessions end)`
        : `${email} is now an admin (takes effect at their next page load, no new sign-in needed)`,
    );
  } finally {
    await handle.close();
  }
}

runCli(main);
