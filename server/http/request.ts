import "server-only";
import "@/domain/i18n/all";
import {
  createTranslator,
  LOCALE_COOKIE,
  type MessageKey,
  type MessageParams,
  negotiateLocale,
} from "@/domain/i18n";
import type { Env } from "../env";
import { readCookie } from "./cookies";

/**
 * The client's address. Next fills X-Forwarded-For from the socket only when the header is absent,
 * so behind a proxy that overwrites it (DOORSTEP_TRUST_PROXY=1) the proxy's entry is the truth;
 * without one the header is the client's own word, good enough for throttling, not for proof.
 */
export function clientIp(headers: Headers, env: Pick<Env, "trustProxy">): string {
  const chain = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  const ip = env.trustProxy ? chain[0] : chain[chain.length - 1];
  return (ip ?? headers.get("x-real-ip") ?? "unknown").slice(0, 64);
}

export const MAX_BODY_BYTES = 1024 * 1024;

/** A JSON refusal `{ error: { key, message } }`, translated by the locale cookie (Chinese unless switched). */
export function refusal(headers: Headers, status: number, key: MessageKey, params?: MessageParams): Response {
  const t = createTranslator(negotiateLocale(readCookie(headers.get("cookie"), LOCALE_COOKIE)));
  return Response.json({ error: { key, message: t(key, params) } }, { status });
}

/**
 * Whether a request comes from our own pages, by Sec-Fetch-Site and Origin. A client that sends
 * neither (curl, an old browser) passes: browsers send at least one of them on a cross-site write.
 */
export function isSameOrigin(headers: Headers): boolean {
  const site = headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return false;
  const origin = headers.get("origin");
  if (!origin) return true;
  const host = headers.get("x-forwarded-host") ?? headers.get("host");
  let originHost: string | null = null;
  try {
    originHost = new URL(origin).host;
  } catch {
    originHost = null;
  }
  return Boolean(host) && originHost === host;
}

/**
 * Guards state-changing requests: JSON only (an HTML form cannot send it cross-site without a
 * preflight) and same-origin by Sec-Fetch-Site and Origin. Returns a refusal, or null to go on.
 */
export function guardMutation(req: Request): Response | null {
  if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return null;
  const { headers } = req;
  if (!isSameOrigin(headers)) return refusal(headers, 403, "errors.crossSite");
  const type = (headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json") return refusal(headers, 415, "errors.notJson");
  const length = Number(headers.get("content-length") ?? "0");
  if (length > MAX_BODY_BYTES) return refusal(headers, 413, "errors.tooLarge");
  return null;
}
