import "server-only";
import type { Database } from "@/db/client";
import { LOCALE_COOKIE, negotiateLocale } from "@/domain/i18n";
import { getDatabase } from "./db";
import { type Env, readEnv } from "./env";
import { readCookie } from "./http/cookies";
import { clientAddress, isSecureRequest } from "./http/request";
import { DEVICE_COOKIE, resolveSession, SESSION_COOKIE } from "./services/auth";
import type { Context } from "./trpc";

/**
 * Builds a request's context from its headers; tests call this with a database of their own, and with a
 * configuration of their own where they need one (the process's is read once).
 */
export async function createContextFor(
  database: Database,
  headers: Headers,
  resHeaders: Headers = new Headers(),
  now: Date = new Date(),
  env: Env = readEnv(),
): Promise<Context> {
  const cookie = headers.get("cookie");
  const session = await resolveSession(database.db, env, readCookie(cookie, SESSION_COOKIE), now);
  return {
    db: database.db,
    readDb: database.readDb,
    dbKind: database.kind,
    env,
    user: session?.user ?? null,
    sessionTokenHash: session?.tokenHash ?? null,
    // The UI is Chinese unless switched, whatever the browser says; errors follow the UI's choice.
    locale: negotiateLocale(readCookie(cookie, LOCALE_COOKIE)),
    ip: clientAddress(headers, env),
    userAgent: headers.get("user-agent"),
    resHeaders,
    secureCookies: isSecureRequest(headers, env),
    deviceToken: readCookie(cookie, DEVICE_COOKIE),
    now,
  };
}

export async function createContext(headers: Headers, resHeaders: Headers): Promise<Context> {
  return createContextFor(await getDatabase(), headers, resHeaders);
}
