import "server-only";
import type { Db } from "@/db/client";
import { auditLog } from "@/db/schema";

export interface AuditEntry {
  userId?: string | null;
  action: string;
  entity?: string;
  entityId?: string;
  areaPath?: string;
  ip?: string;
  detail?: Record<string, unknown>;
}

export async function writeAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    userId: entry.userId ?? null,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId,
    areaPath: entry.areaPath,
    ip: entry.ip,
    detail: entry.detail,
  });
}
