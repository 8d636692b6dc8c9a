import { sql } from "drizzle-orm";
import { rows } from "@/db/client";
import { getDbHandle } from "@/server/runtime";

export const dynamic = "force-dynamic";

export async function GET() {
  try {
    const { db, driver } = await getDbHandle();
    await rows(db, sql`select 1`);
    return Response.json({ ok: true, database: driver });
  } catch (error) {
    console.error("health check failed:", error);
    return Response.json({ ok: false, error: "database unreachable" }, { status: 503 });
  }
}
