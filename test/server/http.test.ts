import { count } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as health } from "@/app/api/health/route";
import { GET, POST } from "@/app/api/trpc/[trpc]/route";
import type { Database } from "@/db/client";
import { auditLog, loginThrottle, sessions } from "@/db/schema";
import { databaseKinds, openTestDatabase } from "../support/db";
import { seedSmallStreet } from "../support/fixture";

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

  it("refuses a read without a session with 401", async () => {
    const response = await GET(
      new Request(`${BASE}/api/trpc/area.get?input=${encodeURIComponent('{"json":{}}')}`),
    );
    expect(response.status).toBe(401);
    expect((await response.json()).error.json.message).toBe("请先登录");
  });
});
