import { getDbHandle } from "@/server/runtime";
import { metricsResponse } from "@/server/operations/metrics-endpoint";

export const dynamic = "force-dynamic";

export function GET(req: Request) {
  return metricsResponse(req, getDbHandle);
}
