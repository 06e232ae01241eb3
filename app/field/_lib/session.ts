import "client-only";

/**
 * Who last used this phone. Only the user's id is kept outside IndexedDB (localStorage), so the field
 * screen knows which database to open after an offline reload, when the server cannot be asked; the
 * rest of the profile (name, area) is personal and lives in the officer's sealed store, in memory once
 * unlocked (app/field/_parts/vault-gate.tsx). Not a credential: the server checks the session cookie.
 */
export interface LocalUser {
  id: string;
  username: string;
  displayName: string;
  role: string;
  areaName: string;
}

const KEY = "doorstep.user";

let profile: LocalUser | null = null;

/** The profile if known on this page (after a login or an unlock), else just the id, or null. */
export function readLocalUser(): LocalUser | null {
  try {
    const raw = localStorage.getItem(KEY);
    const stored = raw ? (JSON.parse(raw) as Partial<LocalUser>) : null;
    if (!stored?.id) return null;
    // A phone from before the vault kept the whole profile here: keep the id only.
    if (Object.keys(stored).length > 1) localStorage.setItem(KEY, JSON.stringify({ id: stored.id }));
    if (profile?.id === stored.id) return profile;
    return { id: stored.id, username: "", displayName: "", role: "", areaName: "" };
  } catch {
    return null;
  }
}

export function rememberLocalUser(user: LocalUser): void {
  profile = {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    areaName: user.areaName,
  };
  localStorage.setItem(KEY, JSON.stringify({ id: user.id }));
}
