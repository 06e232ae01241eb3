import { getDatabase } from "@/server/db";
import { logError } from "@/server/log";
import { getHealth } from "@/server/services/health";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  try {
    return Response.json(await getHealth(await getDatabase()));
  } catch (error) {
    logError("health", error);
    return Response.json({ status: "error" }, { status: 503 });
  }
}
