import { TRPCError } from "@trpc/server";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rows, type Db } from "@/db/client";
import { createCaller } from "@/server/api/root";
import { RESET_REQUESTED } from "@/server/api/routers/account";
import { backgroundSettled } from "@/server/background";
import { createLimits, limitsConfigFromEnv, UNLIMITED, type Limits } from "@/server/limits";
import { smtpMailer } from "@/server/mail/mailer";
import { issueAccountToken } from "@/server/users/account-tokens";
import { runCorrection } from "@/server/ratings/correction";
import { submitRating } from "@/server/ratings/submit";
import { verifyCredentials } from "@/server/users/accounts";
import { sessionUserId } from "@/server/users/sessions";
import { createToken, verifyToken } from "@/server/users/tokens";
import { testDbForFile } from "../support/db";
import { callerFor, fold, makePost, makeUsers, snapshot } from "../support/fixtures";
import { startSmtpServer, tokenFromMail } from "../support/smtp";

// The server reads its configuration once, at first use: set before any test runs.
const BOSS = "boss-accounts@example.test";
process.env.ADMIN_EMAILS = `someone-else@example.test, ${BOSS}`;

// Every mail in this file goes through nodemailer's SMTP transport to a real SMTP server.
const handle = testDbForFile();
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
const FROM = "steadystar <no-reply@example.test>";

beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await smtp?.close();
});

let counter = 0;
function uniqueEmail(label: string) {
  counter += 1;
  return `${label}-${counter}-${Date.now().toString(36)}@example.test`;
}

function caller(db: Db, userId: number | null, options: { limits?: Limits; ip?: string } = {}) {
  return createCaller({
    db,
    userId,
    accountGone: false,
    mailer: smtpMailer(smtp.url, FROM),
    ip: options.ip ?? "203.0.113.9",
    resHeaders: null,
    limits: options.limits ?? UNLIMITED,
  });
}

async function register(db: Db, email = uniqueEmail("user"), password = "first password") {
  const user = await caller(db, null).user.register({ email, name: "Someone", password });
  await backgroundSettled();
  return { ...user, password };
}

async function refusal(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

async function userRow(db: Db, id: number) {
  const [row] = await rows<{ email: string; verified: boolean; role: string; password_hash: string | null }>(
    db,
    sql`select email, email_verified_at is not null as verified, role, password_hash from users where id = ${id}`,
  );
  return row;
}

describe("email verification", () => {
  it("mails a link on registration over SMTP; following it verifies the address, once", async () => {
    const { db } = handle;
    const user = await register(db);
    const mail = await smtp.mailTo(user.email);
    expect(mail.from).toBe("no-reply@example.test");
    expect(mail.subject).toBe("Confirm your email for steadystar");
    expect(mail.text).toMatch(/^http:\/\/localhost:\d+\/verify-email#token=\d+\.[\w-]{43}$/m);
    const token = tokenFromMail(mail);
    expect((await userRow(db, user.id))?.verified).toBe(false);

    // Only a hash of the secret is stored.
    const stored = await rows<{ secret_hash: string }>(db, sql`select secret_hash from account_tokens`);
    const secret = token.split(".")[1]!;
    expect(stored.some((row) => row.secret_hash.includes(secret))).toBe(false);

    expect(await caller(db, null).account.confirmEmail({ token })).toMatchObject({
      userId: user.id,
      email: user.email,
    });
    expect((await userRow(db, user.id))?.verified).toBe(true);
    const again = await refusal(caller(db, null).account.confirmEmail({ token }));
    expect(again.code).toBe("BAD_REQUEST");
    expect(again.message).toMatch(/^token: /);
  });

  it("refuses tampered, foreign-purpose, superseded and expired tokens, writing nothing", async () => {
    const { db } = handle;
    const user = await register(db);
    const token = tokenFromMail(await smtp.mailTo(user.email));
    const [id, secret] = token.split(".") as [string, string];
    const flipped = `${id}.${secret.slice(0, -1)}${secret.endsWith("A") ? "B" : "A"}`;
    const reset = await issueAccountToken(db, user.id, "reset_password", user.email);
    for (const bad of [
      flipped,
      `${Number(id) + 1000}.${secret}`,
      reset,
      "garbage",
      `${id}.`,
      `0.${secret}`,
    ]) {
      const before = await snapshot(db);
      expect((await refusal(caller(db, null).account.confirmEmail({ token: bad }))).code).toBe("BAD_REQUEST");
      expect(await snapshot(db)).toBe(before);
    }
    // A newer link replaces the older one.
    await caller(db, user.id).account.resendVerification();
    await backgroundSettled();
    const newer = tokenFromMail(await smtp.mailTo(user.email));
    expect(newer).not.toBe(token);
    expect((await refusal(caller(db, null).account.confirmEmail({ token }))).code).toBe("BAD_REQUEST");
    // An expired link fails even though it was never used.
    await rows(
      db,
      sql`update account_tokens set expires_at = now() - interval '1 second' where id = ${Number(newer.split(".")[0])}`,
    );
    expect((await refusal(caller(db, null).account.confirmEmail({ token: newer }))).code).toBe("BAD_REQUEST");
    expect((await userRow(db, user.id))?.verified).toBe(false);
  });

  it("grants ADMIN_EMAILS admin only once the address is verified", async () => {
    const { db } = handle;
    const user = await register(db, BOSS.toUpperCase());
    expect(user.role).toBe("user");
    expect(await verifyCredentials(db, BOSS, user.password)).toMatchObject({ role: "user" });
    await caller(db, null).account.confirmEmail({ token: tokenFromMail(await smtp.mailTo(BOSS)) });
    expect((await userRow(db, user.id))?.role).toBe("admin");
  });

  it("answers a resend for a verified address with a 400 naming the email", async () => {
    const { db } = handle;
    const user = await register(db);
    await caller(db, null).account.confirmEmail({ token: tokenFromMail(await smtp.mailTo(user.email)) });
    const error = await refusal(caller(db, user.id).account.resendVerification());
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toMatch(/^email: /);
  });
});

describe("password reset", () => {
  it("answers the same for an unknown address and mails nothing to it", async () => {
    const { db } = handle;
    const unknown = uniqueEmail("nobody");
    const before = await snapshot(db);
    const answer = await caller(db, null).account.requestPasswordReset({ email: unknown });
    await backgroundSettled();
    expect(answer).toEqual({ message: RESET_REQUESTED });
    expect(smtp.received.some((mail) => mail.to.includes(unknown))).toBe(false);
    expect(await snapshot(db)).toBe(before);
    const user = await register(db);
    expect(await caller(db, null).account.requestPasswordReset({ email: user.email })).toEqual(answer);
  });

  it("mails a single-use link that sets a new password and verifies the address", async () => {
    const { db } = handle;
    const user = await register(db);
    await caller(db, null).account.requestPasswordReset({ email: user.email.toUpperCase() });
    await backgroundSettled();
    const mail = await smtp.mailTo(user.email);
    expect(mail.subject).toBe("Reset your steadystar password");
    const token = tokenFromMail(mail);
    expect(mail.text).toContain(`/reset-password#token=`);
    // A verification token is not a reset token.
    const verifyToken = tokenFromMail(smtp.received.find((m) => m.to.includes(user.email))!);
    expect(
      (await refusal(caller(db, null).account.resetPassword({ token: verifyToken, password: "x".repeat(8) })))
        .code,
    ).toBe("BAD_REQUEST");

    const short = await refusal(caller(db, null).account.resetPassword({ token, password: "short" }));
    expect(short.message).toMatch(/^password: /);
    expect(await caller(db, null).account.resetPassword({ token, password: "a new password" })).toEqual({
      reset: true,
    });
    expect(await verifyCredentials(db, user.email, "a new password")).toMatchObject({ id: user.id });
    expect(await verifyCredentials(db, user.email, user.password)).toBeNull();
    expect((await userRow(db, user.id))?.verified).toBe(true);
    const reused = await refusal(
      caller(db, null).account.resetPassword({ token, password: "another password" }),
    );
    expect(reused.message).toMatch(/^token: /);
    expect(await verifyCredentials(db, user.email, "a new password")).toMatchObject({ id: user.id });
  });

  it("is limited per address (429 up front) and per account (silently, no more mail)", async () => {
    const { db } = handle;
    const user = await register(db);
    const perAddress = createLimits(
      limitsConfigFromEnv({ LIMIT_RESET_EMAIL: "2/1h", LIMIT_RESET_IP: "off" }),
    );
    const ask = (email: string, limits: Limits, ip?: string) =>
      caller(db, null, { limits, ip }).account.requestPasswordReset({ email });
    await ask(user.email, perAddress);
    await ask(user.email.toUpperCase(), perAddress);
    const limited = await refusal(ask(user.email, perAddress));
    expect(limited.code).toBe("TOO_MANY_REQUESTS");
    // The address limit holds for unknown addresses alike, so a 429 says nothing about accounts.
    const unknown = uniqueEmail("ghost");
    await ask(unknown, perAddress);
    await ask(unknown, perAddress);
    expect((await refusal(ask(unknown, perAddress))).code).toBe("TOO_MANY_REQUESTS");
    await backgroundSettled();

    const other = await register(db);
    const perAccount = createLimits(
      limitsConfigFromEnv({ LIMIT_RESET_EMAIL: "off", LIMIT_RESET_IP: "off", LIMIT_RESET_ACCOUNT: "2/1h" }),
    );
    const mailsBefore = smtp.received.filter(
      (m) => m.to.includes(other.email) && /Reset/.test(m.subject),
    ).length;
    for (let i = 0; i < 4; i++) await ask(other.email, perAccount, `198.51.100.${i}`);
    await backgroundSettled();
    await smtp.mailTo(other.email);
    const resets = smtp.received.filter((m) => m.to.includes(other.email) && /Reset/.test(m.subject)).length;
    expect(resets - mailsBefore).toBe(2);
  });
});

describe("settings", () => {
  it("changes the display name, refusing an empty one", async () => {
    const { db } = handle;
    const user = await register(db);
    expect(await caller(db, user.id).account.changeName({ name: "  New Name " })).toEqual({
      name: "New Name",
    });
    expect((await refusal(caller(db, user.id).account.changeName({ name: " " }))).message).toMatch(/^name: /);
    expect(await caller(db, user.id).account.me()).toMatchObject({ name: "New Name", email: user.email });
  });

  it("changes the password only with the current one", async () => {
    const { db } = handle;
    const user = await register(db);
    const before = await snapshot(db);
    const wrong = await refusal(
      caller(db, user.id).account.changePassword({
        currentPassword: "not it",
        newPassword: "brand new pass",
      }),
    );
    expect(wrong.code).toBe("BAD_REQUEST");
    expect(wrong.message).toMatch(/^currentPassword: /);
    expect(await snapshot(db)).toBe(before);
    await caller(db, user.id).account.changePassword({
      currentPassword: user.password,
      newPassword: "brand new pass",
    });
    expect(await verifyCredentials(db, user.email, "brand new pass")).toMatchObject({ id: user.id });
    expect(await verifyCredentials(db, user.email, user.password)).toBeNull();
  });

  it("moves the account to a new address only when the link mailed there is followed", async () => {
    const { db } = handle;
    const user = await register(db);
    const next = uniqueEmail("moved");
    const wrong = await refusal(
      caller(db, user.id).account.changeEmail({ email: next, currentPassword: "wrong password" }),
    );
    expect(wrong.message).toMatch(/^currentPassword: /);
    expect(
      await caller(db, user.id).account.changeEmail({ email: next, currentPassword: user.password }),
    ).toEqual({
      pendingEmail: next,
    });
    await backgroundSettled();
    expect(await caller(db, user.id).account.me()).toMatchObject({ email: user.email, pendingEmail: next });
    const token = tokenFromMail(await smtp.mailTo(next));
    await caller(db, null).account.confirmEmail({ token });
    expect(await caller(db, user.id).account.me()).toMatchObject({
      email: next,
      emailVerified: true,
      pendingEmail: null,
    });
    expect(await verifyCredentials(db, next, user.password)).toMatchObject({ id: user.id });
    expect(await verifyCredentials(db, user.email, user.password)).toBeNull();
  });

  it("answers a change to a taken address like any other, mailing its owner a notice and no link", async () => {
    const { db } = handle;
    const owner = await register(db);
    const user = await register(db);
    const answer = await caller(db, user.id).account.changeEmail({
      email: owner.email,
      currentPassword: user.password,
    });
    expect(answer).toEqual({ pendingEmail: owner.email });
    await backgroundSettled();
    const notice = smtp.received.findLast((m) => m.to.includes(owner.email));
    expect(notice?.subject).toBe("Your address was entered on steadystar");
    expect(notice?.text).not.toMatch(/token=/);
    expect((await caller(db, user.id).account.me()).pendingEmail).toBeNull();
    const same = await refusal(
      caller(db, user.id).account.changeEmail({ email: user.email, currentPassword: user.password }),
    );
    expect(same.message).toMatch(/^email: /);
  });
});

describe("sessions end on reset and password change", () => {
  it("a reset and a password change each raise the session version, refusing every earlier session", async () => {
    const { db } = handle;
    const user = await register(db);
    const signedIn = await verifyCredentials(db, user.email, user.password);
    const session = { sub: String(user.id), sv: signedIn!.sessionVersion };
    expect(await sessionUserId(db, session)).toBe(user.id);

    await caller(db, user.id).account.changePassword({
      currentPassword: user.password,
      newPassword: "second password",
    });
    expect(await sessionUserId(db, session)).toBeNull();
    const second = {
      sub: String(user.id),
      sv: (await verifyCredentials(db, user.email, "second password"))!.sessionVersion,
    };
    expect(await sessionUserId(db, second)).toBe(user.id);

    await caller(db, null).account.requestPasswordReset({ email: user.email });
    await backgroundSettled();
    const token = tokenFromMail(await smtp.mailTo(user.email));
    await caller(db, null).account.resetPassword({ token, password: "third password" });
    expect(await sessionUserId(db, second)).toBeNull();
  });
});

describe("account deletion", () => {
  it("removes the account's ratings from every aggregate exactly, keeps its posts as 'deleted user', ends its sessions and tokens", async () => {
    const { db } = handle;
    const user = await register(db);
    const [other1, other2] = await makeUsers(db, 2);
    const ownPost = await makePost(db, user.id, "Still here", "A post that outlives its author.");
    const otherPost = await makePost(db, other1!);
    await submitRating(db, { postId: otherPost, userId: user.id, score: 0 });
    await submitRating(db, { postId: otherPost, userId: other1!, score: 4 });
    await submitRating(db, { postId: otherPost, userId: other2!, score: 5 });
    await submitRating(db, { postId: ownPost, userId: other2!, score: 3 });
    await fold(db);
    expect(await callerFor(db, null).post.byId({ id: otherPost })).toMatchObject({
      ratingCount: 3,
      score: 3,
    });
    const { token } = await createToken(db, user.id, "script");
    expect(await verifyToken(db, token)).toMatchObject({ userId: user.id });
    const session = {
      sub: String(user.id),
      sv: (await verifyCredentials(db, user.email, user.password))!.sessionVersion,
    };

    // The confirmation must name the account and give its password; a refusal writes nothing.
    const before = await snapshot(db);
    const wrongEmail = await refusal(
      caller(db, user.id).account.delete({ email: "other@example.test", password: user.password }),
    );
    expect(wrongEmail.message).toMatch(/^email: /);
    const wrongPassword = await refusal(
      caller(db, user.id).account.delete({ email: user.email, password: "nope" }),
    );
    expect(wrongPassword.message).toMatch(/^password: /);
    expect(await snapshot(db)).toBe(before);

    expect(
      await caller(db, user.id).account.delete({ email: user.email.toUpperCase(), password: user.password }),
    ).toEqual({
      ratingsRemoved: 1,
      tokensRevoked: 1,
    });
    // The live count drops at once; the fold subtracts the rating exactly once.
    expect(await callerFor(db, null).post.byId({ id: otherPost })).toMatchObject({ ratingCount: 2 });
    await fold(db);
    expect(await callerFor(db, null).post.byId({ id: otherPost })).toMatchObject({
      ratingCount: 2,
      score: 4.5,
    });
    expect(await rows(db, sql`select 1 from ratings where user_id = ${user.id}`)).toHaveLength(0);
    expect(await runCorrection(db, { policy: "mean", windowSeconds: 120 })).toMatchObject({
      postsDrifted: 0,
    });

    // Its post and the ratings others gave it stay, attributed to "deleted user".
    expect(await callerFor(db, null).post.byId({ id: ownPost })).toMatchObject({
      title: "Still here",
      author: { id: user.id, name: "deleted user" },
      ratingCount: 1,
    });
    const [row] = await rows<{ name: string; email: string; password_hash: string | null }>(
      db,
      sql`select name, email, password_hash from users where id = ${user.id}`,
    );
    expect(row).toMatchObject({ name: "deleted user", password_hash: null });
    expect(row?.email).not.toBe(user.email);

    expect(await sessionUserId(db, session)).toBeNull();
    expect(await verifyToken(db, token)).toBeNull();
    expect(await verifyCredentials(db, user.email, user.password)).toBeNull();
    // The address is free again.
    expect((await register(db, user.email)).id).not.toBe(user.id);
  });
});
