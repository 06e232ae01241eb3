import "client-only";
import { notifyOutboxChanged } from "./pending";
import type { FieldDatabase } from "./store";

/**
 * The officer has read that a correction from this phone was set aside elsewhere: the notice goes.
 * It lives on this phone only (the server told it once, on the pull that carried the settlement).
 */
export async function dismissNotice(db: FieldDatabase, changeId: string): Promise<void> {
  await db.delete("notices", changeId);
  notifyOutboxChanged();
}
