import "server-only";
import { randomBytes } from "node:crypto";
import diagnostics from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";
import { isIP, type Socket } from "node:net";

/**
 * The TCP peer of a request, as the route handlers see it.
 *
 * Next's route handlers get a fetch `Request`, never the socket, and Next itself fills
 * `X-Forwarded-For` from the socket only when the client sent none (`??=` in base-server), so that
 * header is whatever the client says. Node publishes every request the HTTP server parses on the
 * documented diagnostics channel `http.server.request.start`, with its socket, synchronously before
 * the server emits `request` to Next; `installPeerStamp` (called from instrumentation.ts, the first code
 * of ours `next start` and `next dev` run) subscribes there and writes the socket's address and
 * whether it is TLS into a header of the request's own, replacing anything the client sent under
 * that name. The value starts with a random seal made once per process, so a client cannot forge
 * it, and a request parsed before the subscription existed (or by a server that never installed it)
 * carries no valid stamp and reads as "unknown" instead of as the client's word.
 */

export const PEER_HEADER = "x-doorstep-peer";
export const UNKNOWN_ADDRESS = "unknown";

declare global {
  // Instrumentation and route handlers are bundled apart; one process must share the seal.
  var __doorstepPeerSeal: string | undefined;
}

interface RequestStart {
  request: IncomingMessage;
  socket: Socket & { encrypted?: boolean };
}

/** Subscribes once per process; later calls return the same seal. */
export function installPeerStamp(): string {
  if (globalThis.__doorstepPeerSeal) return globalThis.__doorstepPeerSeal;
  const seal = randomBytes(18).toString("base64url");
  globalThis.__doorstepPeerSeal = seal;
  diagnostics.subscribe("http.server.request.start", (message) => {
    const { request, socket } = message as RequestStart;
    request.headers[PEER_HEADER] = peerStamp(socket.remoteAddress ?? UNKNOWN_ADDRESS, !!socket.encrypted);
  });
  return seal;
}

/**
 * The header value for a peer: what the subscription writes, and what tests that hand a `Request`
 * straight to a route handler write in its place (installing the seal first).
 */
export function peerStamp(address: string, secure = false): string {
  const seal = globalThis.__doorstepPeerSeal ?? installPeerStamp();
  return `${seal} ${address} ${secure ? "https" : "http"}`;
}

/** The stamped peer, or null when the request carries no stamp with this process's seal. */
export function readPeer(headers: Headers): { address: string; secure: boolean } | null {
  const seal = globalThis.__doorstepPeerSeal;
  const value = headers.get(PEER_HEADER);
  if (!seal || !value) return null;
  const [given, address, proto, ...rest] = value.split(" ");
  if (given !== seal || !address || rest.length > 0) return null;
  return { address: normaliseAddress(address), secure: proto === "https" };
}

/** An address as written by a socket or a proxy: IPv4-mapped IPv6 as plain IPv4; not an address → "unknown". */
export function normaliseAddress(raw: string): string {
  let address = raw.trim();
  // A proxy may write "[v6]:port" or "v4:port".
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) address = bracketed[1];
  else if (/^[0-9.]+:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(":"));
  const mapped = /^::ffff:([0-9.]+)$/i.exec(address);
  if (mapped) address = mapped[1];
  return isIP(address) ? address.toLowerCase() : UNKNOWN_ADDRESS;
}

/**
 * The part of an address that one client controls, for throttling: an IPv4 address as is, an IPv6
 * address by its /64 (one home or phone is given a whole /64 and may pick any address in it).
 */
export function throttleAddress(address: string): string {
  if (isIP(address) !== 6) return address;
  const [head, tail = ""] = address.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  // An embedded IPv4 tail ("::1.2.3.4") is two groups; only the first four groups matter anyway.
  const groups = address.includes("::")
    ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}
