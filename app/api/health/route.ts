import { checkHealth } from "@/server/health";
import { getDbHandle } from "@/server/runtime";

export const dynamic = "force-dynamic";

export async function GET() {
  const { status, body } = await checkHealth(getDbHandle);
  return Response.json(body, { status, headers: { "Cache-Control": "no-store" } });
}
