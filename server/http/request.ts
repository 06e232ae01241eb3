import "server-only";
import "@/domain/i18n/all";
import {
  createTranslator,
  LOCALE_COOKIE,
  type MessageKey,
  type MessageParams,
  negotiateLocale,
} from "@/domain/i18n";
import { type Env, readEnv } from "../env";
import { readCookie } from "./cookies";
import { normaliseAddress, readPeer, UNKNOWN_ADDRESS } from "./peer";

/**
 * The client's address, for throttling and the audit log. With no proxy (DOORSTEP_TRUST_PROXY=0, the
 * default) it is the TCP peer stamped by `installPeerStamp` and X-Forwarded-For is ignored, since the
 * client writes it. Behind N proxies that each append the address they were reached from, the chain
 * is X-Forwarded-For followed by the peer (the nearest proxy), and the client is the entry N places
 * before the end: the one the outermost trusted proxy appended. Entries further left are the client's
 * own word and are never read. A chain shorter than N (a request that bypassed a proxy) gives its
 * first entry.
 */
export function clientAddress(headers: Headers, env: Pick<Env, "trustProxyHops">): string {
  const peer = readPeer(headers)?.address ?? UNKNOWN_ADDRESS;
  if (env.trustProxyHops <= 0) return peer;
  const chain = [...listHeader(headers, "x-forwarded-for"), peer];
  return normaliseAddress(chain[Math.max(0, chain.length - 1 - env.trustProxyHops)]);
}

/** A comma-separated header's values, trimmed, empty ones dropped. */
function listHeader(headers: Headers, name: string): string[] {
  return (headers.get(name) ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
}

/**
 * The Host the browser addressed. Behind a trusted proxy it is X-Forwarded-Host as the nearest proxy
 * set it (its last value); without one that header is the client's invention and Host is the truth.
 */
export function requestHost(headers: Headers, env: Pick<Env, "trustProxyHops">): string | null {
  const forwarded = env.trustProxyHops > 0 ? listHeader(headers, "x-forwarded-host").at(-1) : undefined;
  return forwarded ?? headers.get("host");
}

/**
 * Whether the browser reached us over HTTPS, for the Secure cookie flag: X-Forwarded-Proto (its last
 * value) behind a trusted proxy, else whether the socket itself was TLS.
 */
export function isSecureRequest(headers: Headers, env: Pick<Env, "trustProxyHops">): boolean {
  if (env.trustProxyHops > 0) {
    const proto = listHeader(headers, "x-forwarded-proto").at(-1);
    if (proto) return proto.toLowerCase() === "https";
  }
  return readPeer(headers)?.secure ?? false;
}

/** The most a tRPC call may send (a push batch is cut at 600 KB by the phone, domain/push.ts). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The declared Content-Length is over `max` (a refusal before a byte is read). */
export function declaresOver(headers: Headers, max: number): boolean {
  return Number(headers.get("content-length") ?? "0") > max;
}

/**
 * The request body, or null as soon as more than `max` bytes have arrived: counted as read, so a
 * chunked body (no Content-Length) or a false Content-Length is held to the same bound, and the rest
 * is never read nor kept (the stream is cancelled).
 */
export async function readCapped(req: Request, max: number): Promise<Uint8Array<ArrayBuffer> | null> {
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/** 413 in the caller's language, naming the bound. */
export function tooLarge(headers: Headers, max = MAX_BODY_BYTES): Response {
  return refusal(headers, 413, "errors.tooLarge", { mb: Math.round((max / (1024 * 1024)) * 10) / 10 });
}

/** A JSON refusal `{ error: { key, message } }`, translated by the locale cookie (Chinese unless switched). */
export function refusal(headers: Headers, status: number, key: MessageKey, params?: MessageParams): Response {
  const t = createTranslator(negotiateLocale(readCookie(headers.get("cookie"), LOCALE_COOKIE)));
  // Never cached: a refusal answers one request (a missing session, a full body), not the URL.
  return Response.json(
    { error: { key, message: t(key, params) } },
    { status, headers: { "cache-control": "no-store" } },
  );
}

/**
 * Whether a request comes from our own pages, by Sec-Fetch-Site and Origin. A client that sends
 * neither (curl, an old browser) passes: browsers send at least one of them on a cross-site write.
 */
export function isSameOrigin(headers: Headers, env: Pick<Env, "trustProxyHops"> = readEnv()): boolean {
  const site = headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return false;
  const origin = headers.get("origin");
  if (!origin) return true;
  const host = requestHost(headers, env);
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
  // Only what is declared; the body itself is counted as it is read (readCapped).
  if (declaresOver(headers, MAX_BODY_BYTES)) return tooLarge(headers);
  return null;
}
