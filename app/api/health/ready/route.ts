import { getDbHandle } from "@/server/runtime";
import { readinessResponse } from "@/server/operations/readiness";

export const dynamic = "force-dynamic";

export function GET() {
  return readinessResponse(getDbHandle);
}
