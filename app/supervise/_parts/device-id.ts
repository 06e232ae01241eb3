import "client-only";

const KEY = "doorstep.supervisor.device";

/** This browser's device id for the mutations it sends (the ledger keys on it with the user). */
export function browserDeviceId(): string {
  let id = localStorage.getItem(KEY);
  if (!id) {
    id = crypto.randomUUID();
    localStorage.setItem(KEY, id);
  }
  return id;
}
