// Who the client is, from a request's headers: the socket's address as the HTTP server stamped it,
// or, behind trusted proxies, the address the outermost of them appended. No database.

import { describe, expect, it } from "vitest";
import { parseEnv } from "@/server/env";
import { normaliseAddress, PEER_HEADER, peerStamp, throttleAddress } from "@/server/http/peer";
import { clientAddress, isSameOrigin, isSecureRequest, requestHost } from "@/server/http/request";

const env = (trust?: string) => parseEnv({ DOORSTEP_TRUST_PROXY: trust });

function headers(peer: string | null, extra: Record<string, string> = {}) {
  const h = new Headers(extra);
  if (peer) h.set(PEER_HEADER, peerStamp(peer));
  return h;
}

describe("the client's address", () => {
  it("reads DOORSTEP_TRUST_PROXY as a number of proxies; anything else stops the start (env.test.ts)", () => {
    expect(env(undefined).trustProxyHops).toBe(0);
    expect(env("0").trustProxyHops).toBe(0);
    expect(env("1").trustProxyHops).toBe(1);
    expect(env("true").trustProxyHops).toBe(1);
    expect(env("2").trustProxyHops).toBe(2);
    expect(() => env("yes please")).toThrow(/DOORSTEP_TRUST_PROXY/);
  });

  it("without a proxy, is the socket's address whatever X-Forwarded-For and X-Real-IP say", () => {
    const h = headers("198.51.100.7", {
      "x-forwarded-for": "203.0.113.1, 203.0.113.2",
      "x-real-ip": "1.2.3.4",
    });
    expect(clientAddress(h, env())).toBe("198.51.100.7");
    expect(clientAddress(headers("::ffff:198.51.100.7"), env())).toBe("198.51.100.7");
  });

  it("is unknown when the stamp is missing or forged: the client cannot write it", () => {
    expect(clientAddress(headers(null, { "x-forwarded-for": "203.0.113.1" }), env())).toBe("unknown");
    const forged = new Headers({ [PEER_HEADER]: "not-the-seal 203.0.113.9 http" });
    expect(clientAddress(forged, env())).toBe("unknown");
    const stamped = peerStamp("203.0.113.9");
    const extended = new Headers({ [PEER_HEADER]: `${stamped} 203.0.113.10` });
    expect(clientAddress(extended, env())).toBe("unknown");
  });

  it("behind N proxies, is the entry the outermost proxy appended; entries the client wrote are never read", () => {
    // The client wrote "6.6.6.6"; the one proxy appended the client's real address; the socket is the proxy.
    const one = headers("10.0.0.2", { "x-forwarded-for": "6.6.6.6, 198.51.100.7" });
    expect(clientAddress(one, env("1"))).toBe("198.51.100.7");
    // Two proxies: the outer appended the client, the inner appended the outer.
    const two = headers("10.0.0.2", { "x-forwarded-for": "6.6.6.6, 198.51.100.7, 10.0.0.1" });
    expect(clientAddress(two, env("2"))).toBe("198.51.100.7");
    // Several X-Forwarded-For lines are one list.
    const lines = headers("10.0.0.2");
    lines.append("x-forwarded-for", "6.6.6.6");
    lines.append("x-forwarded-for", "198.51.100.7");
    expect(clientAddress(lines, env("1"))).toBe("198.51.100.7");
    // A request that reached the app without the proxy: its socket is the client.
    expect(clientAddress(headers("198.51.100.8"), env("1"))).toBe("198.51.100.8");
    // A proxy that writes a port, or garbage in the trusted place.
    expect(clientAddress(headers("10.0.0.2", { "x-forwarded-for": "[2001:db8::1]:4711" }), env("1"))).toBe(
      "2001:db8::1",
    );
    expect(clientAddress(headers("10.0.0.2", { "x-forwarded-for": "evil'; drop" }), env("1"))).toBe(
      "unknown",
    );
  });

  it("trusts X-Forwarded-Host and X-Forwarded-Proto only behind a proxy", () => {
    const h = headers("198.51.100.7", {
      host: "doorstep.example",
      "x-forwarded-host": "evil.example",
      "x-forwarded-proto": "https",
      origin: "https://evil.example",
    });
    expect(requestHost(h, env())).toBe("doorstep.example");
    expect(isSameOrigin(h, env())).toBe(false);
    expect(isSecureRequest(h, env())).toBe(false);
    expect(requestHost(h, env("1"))).toBe("evil.example");
    expect(isSameOrigin(h, env("1"))).toBe(true);
    expect(isSecureRequest(h, env("1"))).toBe(true);
    // A TLS socket is secure without any proxy.
    const tls = new Headers({ [PEER_HEADER]: peerStamp("198.51.100.7", true) });
    expect(isSecureRequest(tls, env())).toBe(true);
  });

  it("normalises addresses and counts IPv6 clients by their /64", () => {
    expect(normaliseAddress(" 198.51.100.7 ")).toBe("198.51.100.7");
    expect(normaliseAddress("198.51.100.7:5000")).toBe("198.51.100.7");
    expect(normaliseAddress("2001:DB8::1")).toBe("2001:db8::1");
    expect(normaliseAddress("")).toBe("unknown");
    expect(throttleAddress("198.51.100.7")).toBe("198.51.100.7");
    expect(throttleAddress("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(throttleAddress("2001:db8:1:2:bbbb:cccc:dddd:eeee")).toBe("2001:db8:1:2::/64");
    expect(throttleAddress("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(throttleAddress("::1")).toBe("0:0:0:0::/64");
    expect(throttleAddress("unknown")).toBe("unknown");
  });
});
