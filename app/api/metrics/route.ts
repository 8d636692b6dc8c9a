import { getDbHandle } from "@/db/client";
import { metricsResponse } from "@/server/operations/metrics-endpoint";

export const dynamic = "force-dynamic";

export function GET(req: Request) {
  return metricsResponse(req, getDbHandle);
}
