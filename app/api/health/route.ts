import { getDatabase } from "@/server/db";
import { getHealth } from "@/server/services/health";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  try {
    return Response.json(await getHealth(await getDatabase()));
  } catch (error) {
    console.error("[health]", error);
    return Response.json({ status: "error" }, { status: 503 });
  }
}
