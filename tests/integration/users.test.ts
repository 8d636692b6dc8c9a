import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { verifyCredentials } from "@/server/users/accounts";
import { testDbForFile } from "../support/db";
import { callerFor, snapshot } from "../support/fixtures";

const handle = testDbForFile();

describe("user.register and credentials", () => {
  it("registers with an argon2id hash and signs in with the same email in any case", async () => {
    const { db } = handle;
    const user = await callerFor(db, null).user.register({
      email: "Ada@Example.test",
      name: "Ada",
      password: "correct horse",
    });
    expect(user).toMatchObject({ email: "ada@example.test", name: "Ada", role: "user" });
    expect(await verifyCredentials(db, "ADA@example.test", "correct horse")).toMatchObject({ id: user.id });
    expect(await verifyCredentials(db, "ada@example.test", "wrong horse")).toBeNull();
    expect(await verifyCredentials(db, "nobody@example.test", "correct horse")).toBeNull();
  });

  it("refuses a duplicate email with CONFLICT and writes nothing", async () => {
    const { db } = handle;
    await callerFor(db, null).user.register({
      email: "dup@example.test",
      name: "One",
      password: "password1",
    });
    const before = await snapshot(db);
    const error = await callerFor(db, null)
      .user.register({ email: "DUP@example.test", name: "Two", password: "password2" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect(error).toMatchObject({ code: "CONFLICT" });
    expect((error as TRPCError).message).toContain("email");
    expect(await snapshot(db)).toBe(before);
  });

  it.each([
    ["short password", { email: "a@b.test", name: "A", password: "short" }, "password"],
    ["bad email", { email: "not-an-email", name: "A", password: "password1" }, "email"],
    ["empty name", { email: "c@b.test", name: " ", password: "password1" }, "name"],
    ["missing password", { email: "d@b.test", name: "A" }, "password"],
  ])("rejects %s", async (_name, input, field) => {
    const { db } = handle;
    const before = await snapshot(db);
    const error = await callerFor(db, null)
      .user.register(input as { email: string; name: string; password: string })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "BAD_REQUEST" });
    expect((error as TRPCError).message).toMatch(new RegExp(`^${field}:`));
    expect(await snapshot(db)).toBe(before);
  });
});
