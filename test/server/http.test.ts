import { count } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GET as exportResults } from "@/app/api/export/statistics/route";
import { GET as health } from "@/app/api/health/route";
import { GET, POST } from "@/app/api/trpc/[trpc]/route";
import type { Database } from "@/db/client";
import { auditLog, loginThrottle, sessions } from "@/db/schema";
import { CODE_ALPHABET } from "@/domain/check";
import { citizenIdCheckChar } from "@/domain/validators";
import { register } from "@/instrumentation";
import { rereadEnv } from "@/server/env";
import { databaseKinds, openTestDatabase } from "../support/db";
import { seedSmallStreet } from "../support/fixture";
import { type Served, serve } from "../support/serve";

const BASE = "http://localhost:3000";

function post(path: string, body: string, headers: Record<string, string> = {}) {
  return POST(
    new Request(`${BASE}/api/trpc/${path}`, {
      method: "POST",
      body,
      headers: { host: "localhost:3000", "content-type": "application/json", ...headers },
    }),
  );
}

const login = (username: string, password: string, headers: Record<string, string> = {}) =>
  post("auth.login", JSON.stringify({ json: { username, password } }), headers);

/** A made-up citizen ID with a valid check character that no register row holds. */
function unknownId(n: number): string {
  const body = `440104197001${String(10 + (n % 18)).padStart(2, "0")}${String(100 + n).padStart(3, "0")}`;
  return body + citizenIdCheckChar(body);
}

/**
 * The app behind a real socket on 127.0.0.1, started as `next start` starts it: instrumentation's
 * register() runs (it opens the test's database and whatever else the app does at start), then the
 * tRPC route answers over HTTP.
 */
async function startApp(): Promise<Served> {
  const runtime = process.env.NEXT_RUNTIME;
  process.env.NEXT_RUNTIME = "nodejs";
  try {
    await register();
  } finally {
    if (runtime === undefined) delete process.env.NEXT_RUNTIME;
    else process.env.NEXT_RUNTIME = runtime;
  }
  return serve((pathname) => (pathname.startsWith("/api/trpc/") ? POST : undefined));
}

/** One resident self-check over the socket, for a different (unknown) ID number each time. */
async function lookupOver(app: Served, n: number, forwardedFor: string) {
  const response = await fetch(`${app.url}/api/trpc/check.lookup`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": forwardedFor },
    body: JSON.stringify({
      json: { name: "张三", idNumber: unknownId(n), code: CODE_ALPHABET.slice(0, 10) },
    }),
  });
  await response.arrayBuffer();
  return response.status;
}

describe.each(databaseKinds)("the HTTP edge on %s", (kind) => {
  let database: Database;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await seedSmallStreet(database);
    // The route handlers open the process's database through this; point it at the test one.
    globalThis.__doorstepDatabase = Promise.resolve(database);
  });
  afterAll(async () => {
    globalThis.__doorstepDatabase = undefined;
    await database?.close();
  });

  const writes = async () => ({
    sessions: (await database.db.select({ n: count() }).from(sessions))[0].n,
    audit: (await database.db.select({ n: count() }).from(auditLog))[0].n,
    throttle: (await database.db.select({ n: count() }).from(loginThrottle))[0].n,
  });

  it("GET /api/health names the database", async () => {
    const response = await health();
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok", database: kind });
  });

  it("logs in over HTTP and sets the session cookie", async () => {
    const response = await login("officer1", "doorstep", { origin: BASE, "sec-fetch-site": "same-origin" });
    expect(response.status).toBe(200);
    expect(response.headers.get("set-cookie")).toMatch(/^doorstep_session=.+HttpOnly/);
  });

  it("answers a wrong password in the caller's language", async () => {
    const zh = await login("officer1", "wrong");
    expect(zh.status).toBe(401);
    expect((await zh.json()).error.json.message).toBe("用户名或密码不正确，请重新输入");
    const en = await login("officer1", "wrong", { cookie: "doorstep_locale=en" });
    expect((await en.json()).error.json.message).toBe("Wrong username or password. Please try again.");
  });

  it("refuses a body that is not JSON, cross-site requests, and unknown procedures, writing nothing", async () => {
    const before = await writes();

    const form = await post("auth.login", "username=officer1&password=doorstep", {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(form.status).toBe(415);
    expect((await form.json()).error.message).toMatch(/JSON/);

    const crossSite = await login("officer1", "doorstep", { "sec-fetch-site": "cross-site" });
    expect(crossSite.status).toBe(403);
    const otherOrigin = await login("officer1", "doorstep", { origin: "https://evil.example" });
    expect(otherOrigin.status).toBe(403);
    expect((await otherOrigin.json()).error.message).toBe("拒绝跨站请求，请从本系统页面操作");

    const garbled = await post("auth.login", "{not json");
    expect(garbled.status).toBe(400);

    const unknown = await post("nothing.here", JSON.stringify({ json: {} }));
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.json.message).toBe("没有这个接口");

    const huge = await login("a".repeat(5000), "b".repeat(5000));
    expect(huge.status).toBe(400);
    const body = await huge.json();
    expect(body.error.json.data.fieldErrors.username).toMatch(/最多 64 个字符/);
    expect(body.error.json.data).not.toHaveProperty("stack");

    const tooBig = await post("auth.login", "{}", { "content-length": String(5 * 1024 * 1024) });
    expect(tooBig.status).toBe(413);

    expect(await writes()).toEqual(before);
  });

  describe("the client's address over a real socket", () => {
    let app: Served;
    let lookups = 0;
    beforeAll(async () => {
      app = await startApp();
    });
    afterAll(async () => {
      delete process.env.DOORSTEP_TRUST_PROXY;
      rereadEnv();
      await app?.close();
    });
    beforeEach(() => database.db.delete(loginThrottle));

    // The resident check allows 5 lookups a minute per client address.
    it("without DOORSTEP_TRUST_PROXY, is the socket's: 12 rotating X-Forwarded-For get 5 answers, then 429", async () => {
      delete process.env.DOORSTEP_TRUST_PROXY;
      rereadEnv();
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push(await lookupOver(app, lookups++, `203.0.113.${i + 1}`));
      expect(statuses).toEqual([...Array(5).fill(404), ...Array(7).fill(429)]);
    });

    it("behind one proxy, is the address the proxy appended, not what the client wrote before it", async () => {
      process.env.DOORSTEP_TRUST_PROXY = "1";
      rereadEnv();
      const spoofed: number[] = [];
      for (let i = 0; i < 7; i++)
        spoofed.push(await lookupOver(app, lookups++, `203.0.113.${i + 1}, 198.51.100.7`));
      expect(spoofed).toEqual([...Array(5).fill(404), 429, 429]);
      // Different clients behind the proxy are counted apart.
      const clients: number[] = [];
      for (let i = 0; i < 7; i++) clients.push(await lookupOver(app, lookups++, `198.51.100.${20 + i}`));
      expect(clients).toEqual(Array(7).fill(404));
    });

    // Login allows 30 failures per client address (whatever the usernames) before it waits.
    it("counts failed logins per socket address, not per X-Forwarded-For", async () => {
      delete process.env.DOORSTEP_TRUST_PROXY;
      rereadEnv();
      const statuses: number[] = [];
      for (let i = 0; i < 32; i++) {
        const response = await fetch(`${app.url}/api/trpc/auth.login`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-forwarded-for": `203.0.113.${i + 1}` },
          body: JSON.stringify({ json: { username: `nobody${i}`, password: "wrong" } }),
        });
        await response.arrayBuffer();
        statuses.push(response.status);
      }
      expect(statuses.slice(0, 30)).toEqual(Array(30).fill(401));
      expect(statuses.slice(30)).toEqual([429, 429]);
    });
  });

  it("marks tRPC and export answers, and every refusal, not to be stored by any cache", async () => {
    const cookie = (await login("supervisor", "doorstep")).headers.get("set-cookie")?.split(";")[0] ?? "";
    const me = await GET(
      new Request(`${BASE}/api/trpc/auth.me?input=${encodeURIComponent('{"json":null}')}`, {
        headers: { host: "localhost:3000", cookie },
      }),
    );
    const refusedRead = await GET(
      new Request(`${BASE}/api/trpc/area.get?input=${encodeURIComponent('{"json":{}}')}`),
    );
    const refusedWrite = await login("officer1", "doorstep", { "sec-fetch-site": "cross-site" });
    const wrongPassword = await login("officer1", "wrong");
    const exportAsked = (headers: Record<string, string>) =>
      exportResults(new Request(`${BASE}/api/export/statistics?format=csv`, { headers }));
    const exported = await exportAsked({ host: "localhost:3000", cookie });
    const exportRefused = await exportAsked({ host: "localhost:3000" });
    expect(
      [me, refusedRead, refusedWrite, wrongPassword, exported, exportRefused].map((r) => [
        r.status,
        r.headers.get("cache-control"),
      ]),
    ).toEqual([
      [200, "no-store"],
      [401, "no-store"],
      [403, "no-store"],
      [401, "no-store"],
      [200, "private, no-store"],
      [401, "no-store"],
    ]);
    await exported.arrayBuffer();
  });

  it("refuses a read without a session with 401", async () => {
    const response = await GET(
      new Request(`${BASE}/api/trpc/area.get?input=${encodeURIComponent('{"json":{}}')}`),
    );
    expect(response.status).toBe(401);
    expect((await response.json()).error.json.message).toBe("请先登录");
  });
});
