import { type FieldDatabase, holdDataKey, isUnlocked, openFieldDb } from "@/app/field/_lib/store";

/**
 * The officer's store on the phone, unlocked with a fresh data key (as a first online login makes):
 * tests of the sync code read and write it through the vault layer, as the phone does. Opened again
 * (a reload), it keeps the key it was first given.
 */
export async function openUnlockedDb(userId: string): Promise<FieldDatabase> {
  if (isUnlocked(userId)) return openFieldDb(userId);
  holdDataKey(
    userId,
    await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]),
  );
  return openFieldDb(userId);
}
