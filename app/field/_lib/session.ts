import "client-only";

/**
 * Who last used this phone, kept outside IndexedDB so the field screen knows which database to open
 * after an offline reload, when the server cannot be asked. Not a credential: the server still
 * checks the session cookie on every request.
 */
export interface LocalUser {
  id: string;
  username: string;
  displayName: string;
  role: string;
  areaName: string;
}

const KEY = "doorstep.user";

export function readLocalUser(): LocalUser | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as LocalUser) : null;
  } catch {
    return null;
  }
}

export function rememberLocalUser(user: LocalUser): void {
  localStorage.setItem(
    KEY,
    JSON.stringify({
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      role: user.role,
      areaName: user.areaName,
    }),
  );
}
