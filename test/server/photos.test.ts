// Photo upload by SHA-256 on every database kind: the service's checks and idempotence, then the
// route's HTTP contract (statuses, limits read from the stream, session, same-origin).

import { createHash, randomBytes } from "node:crypto";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HEAD, PUT } from "@/app/api/photos/[sha256]/route";
import type { Database } from "@/db/client";
import { attachments, auditLog } from "@/db/schema";
import { createContextFor } from "@/server/context";
import { AppError } from "@/server/errors";
import type { SessionUser } from "@/server/services/auth";
import { MAX_PHOTO_BYTES, photoExists, sniffPhotoType, storePhoto } from "@/server/services/photos";
import { databaseKinds, openTestDatabase } from "../support/db";
import { loginAs, objectsOfOfficer, seedSmallStreet } from "../support/fixture";
import { BASE, jpeg, SAME_ORIGIN } from "../support/routes";

function png(size = 512): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(randomBytes(size));
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return bytes;
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

async function refusalOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "OK";
  } catch (error) {
    if (error instanceof AppError) return `${error.kind} ${error.key}`;
    throw error;
  }
}

interface PutOptions {
  hash?: string;
  grid?: string | null;
  type?: string;
  headers?: Record<string, string>;
  cookie?: string | null;
}

describe.each(databaseKinds)("photo upload on %s", (kind) => {
  let database: Database;
  let cookie1: string;
  let officer1: SessionUser;
  let officer2: SessionUser;
  let supervisor: SessionUser;
  let ownGrid: string;
  let otherGrid: string;

  const userOf = async (cookie: string) => {
    const ctx = await createContextFor(database, new Headers({ cookie }));
    if (!ctx.user) throw new Error("no session");
    return ctx.user;
  };

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await seedSmallStreet(database);
    // The route opens the process's database through this; point it at the test one.
    globalThis.__doorstepDatabase = Promise.resolve(database);
    cookie1 = await loginAs(database, "officer1");
    officer1 = await userOf(cookie1);
    officer2 = await userOf(await loginAs(database, "officer2"));
    supervisor = await userOf(await loginAs(database, "supervisor"));
    ownGrid = (await objectsOfOfficer(database, "officer1")).gridId;
    otherGrid = (await objectsOfOfficer(database, "officer2")).gridId;
  });
  afterAll(async () => {
    globalThis.__doorstepDatabase = undefined;
    await database?.close();
  });

  const writes = async () => ({
    attachments: (await database.db.select({ n: count() }).from(attachments))[0].n,
    audit: (
      await database.db.select({ n: count() }).from(auditLog).where(eq(auditLog.action, "photo_stored"))
    )[0].n,
  });

  function put(body: BodyInit | null, options: PutOptions = {}) {
    const hash = options.hash ?? (body instanceof Uint8Array ? sha256(body) : "0".repeat(64));
    const grid = options.grid === undefined ? ownGrid : options.grid;
    const url = `${BASE}/api/photos/${hash}${grid === null ? "" : `?grid=${grid}`}`;
    const cookie = options.cookie === undefined ? cookie1 : options.cookie;
    const headers: Record<string, string> = {
      ...SAME_ORIGIN,
      "content-type": options.type ?? "image/jpeg",
      ...(cookie ? { cookie } : {}),
      ...options.headers,
    };
    const init: RequestInit & { duplex?: "half" } = { method: "PUT", body, headers, duplex: "half" };
    return PUT(new Request(url, init), { params: Promise.resolve({ sha256: hash }) });
  }

  function head(hash: string, cookie: string | null = cookie1) {
    return HEAD(
      new Request(`${BASE}/api/photos/${hash}`, { method: "HEAD", headers: cookie ? { cookie } : {} }),
      {
        params: Promise.resolve({ sha256: hash }),
      },
    );
  }

  describe("the service", () => {
    it("knows the three types by their magic bytes", () => {
      expect(sniffPhotoType(jpeg())).toBe("image/jpeg");
      expect(sniffPhotoType(png())).toBe("image/png");
      const webp = new Uint8Array(32);
      webp.set(new TextEncoder().encode("RIFF"));
      webp.set(new TextEncoder().encode("WEBP"), 8);
      expect(sniffPhotoType(webp)).toBe("image/webp");
      expect(sniffPhotoType(new TextEncoder().encode("GIF89a and so on"))).toBeNull();
      expect(sniffPhotoType(new Uint8Array([0xff, 0xd8]))).toBeNull();
    });

    it("stores a photo once: the same photo again writes nothing", async () => {
      const bytes = jpeg();
      const hash = sha256(bytes);
      const before = await writes();
      const input = { sha256: hash, gridId: ownGrid, mime: "image/jpeg", bytes };
      expect(await storePhoto(database.db, officer1, input)).toEqual({ sha256: hash, stored: true });
      expect(await storePhoto(database.db, officer1, input)).toEqual({ sha256: hash, stored: false });
      expect(await writes()).toEqual({ attachments: before.attachments + 1, audit: before.audit + 1 });

      const [row] = await database.db.select().from(attachments).where(eq(attachments.sha256, hash));
      expect(row).toMatchObject({
        mime: "image/jpeg",
        bytes: bytes.length,
        gridId: ownGrid,
        uploadedBy: officer1.id,
      });
      expect(Buffer.from(row.data).equals(Buffer.from(bytes))).toBe(true);
    });

    it("takes a Content-Type with parameters and stores the bare type", async () => {
      const bytes = png();
      const input = { sha256: sha256(bytes), gridId: ownGrid, mime: "Image/PNG; q=1", bytes };
      expect((await storePhoto(database.db, officer1, input)).stored).toBe(true);
      const [row] = await database.db.select().from(attachments).where(eq(attachments.sha256, input.sha256));
      expect(row.mime).toBe("image/png");
    });

    it("refuses what is not a well-formed photo matching its hash, writing nothing", async () => {
      const before = await writes();
      const good = jpeg();
      const ok = { sha256: sha256(good), gridId: ownGrid, mime: "image/jpeg", bytes: good };
      const huge = jpeg(MAX_PHOTO_BYTES + 1);
      const pngBytes = png();
      const gif = new TextEncoder().encode("GIF89a, not a door plate");
      const cases: [string, typeof ok, string][] = [
        ["upper-case hash", { ...ok, sha256: ok.sha256.toUpperCase() }, "BAD_REQUEST photo.badHash"],
        ["short hash", { ...ok, sha256: ok.sha256.slice(1) }, "BAD_REQUEST photo.badHash"],
        ["another photo's hash", { ...ok, sha256: sha256(jpeg()) }, "BAD_REQUEST photo.hashMismatch"],
        [
          "empty",
          { ...ok, bytes: new Uint8Array(0), sha256: sha256(new Uint8Array(0)) },
          "BAD_REQUEST photo.empty",
        ],
        ["over the limit", { ...ok, bytes: huge, sha256: sha256(huge) }, "BAD_REQUEST photo.tooLarge"],
        [
          "PNG called JPEG",
          { ...ok, bytes: pngBytes, sha256: sha256(pngBytes) },
          "BAD_REQUEST photo.badType",
        ],
        ["JPEG called WebP", { ...ok, mime: "image/webp" }, "BAD_REQUEST photo.badType"],
        ["GIF", { ...ok, bytes: gif, sha256: sha256(gif), mime: "image/gif" }, "BAD_REQUEST photo.badType"],
        ["grid not a uuid", { ...ok, gridId: "grid-1" }, "BAD_REQUEST errors.badRequest"],
        ["another officer's grid", { ...ok, gridId: otherGrid }, "NOT_FOUND errors.notFound"],
        [
          "a grid that does not exist",
          { ...ok, gridId: "00000000-0000-4000-8000-000000000000" },
          "NOT_FOUND errors.notFound",
        ],
      ];
      for (const [name, input, expected] of cases) {
        expect(await refusalOf(storePhoto(database.db, officer1, input)), name).toBe(expected);
      }
      expect(await writes()).toEqual(before);
    });

    it("lets the supervisor store in any grid of the street", async () => {
      const bytes = jpeg();
      const input = { sha256: sha256(bytes), gridId: otherGrid, mime: "image/jpeg", bytes };
      expect((await storePhoto(database.db, supervisor, input)).stored).toBe(true);
    });

    it("says a photo exists only to those who may write to its grid", async () => {
      const bytes = jpeg();
      const hash = sha256(bytes);
      expect(await photoExists(database.db, officer1, hash)).toBe(false);
      await storePhoto(database.db, officer1, { sha256: hash, gridId: ownGrid, mime: "image/jpeg", bytes });
      expect(await photoExists(database.db, officer1, hash)).toBe(true);
      expect(await photoExists(database.db, supervisor, hash)).toBe(true);
      expect(await photoExists(database.db, officer2, hash)).toBe(false);
      expect(await photoExists(database.db, officer1, hash.toUpperCase())).toBe(false);
      expect(await photoExists(database.db, officer1, "not a hash")).toBe(false);
    });
  });

  describe("PUT and HEAD /api/photos/[sha256]", () => {
    it("answers 201 for a new photo and 200 for the same one again, storing it once", async () => {
      const bytes = jpeg();
      const hash = sha256(bytes);
      const before = await writes();

      const first = await put(bytes);
      expect(first.status).toBe(201);
      expect(await first.json()).toEqual({ sha256: hash, stored: true });
      expect(first.headers.get("cache-control")).toBe("no-store");

      const again = await put(bytes);
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual({ sha256: hash, stored: false });

      expect(await writes()).toEqual({ attachments: before.attachments + 1, audit: before.audit + 1 });
      const [audit] = await database.db.select().from(auditLog).where(eq(auditLog.entityId, hash));
      expect(audit).toMatchObject({ userId: officer1.id, action: "photo_stored", entity: "attachment" });
    });

    it("HEAD answers 200 for a stored photo in the caller's grids, else 404", async () => {
      const bytes = jpeg();
      const hash = sha256(bytes);
      expect((await head(hash)).status).toBe(404);
      expect((await put(bytes)).status).toBe(201);
      const found = await head(hash);
      expect(found.status).toBe(200);
      expect(await found.text()).toBe("");
      expect((await head(hash, await loginAs(database, "officer2"))).status).toBe(404);
      expect((await head("zz")).status).toBe(404);
      expect((await head(hash, null)).status).toBe(401);
    });

    it("refuses a body that does not match its hash with 400, in the caller's language", async () => {
      const before = await writes();
      const zh = await put(jpeg(), { hash: sha256(jpeg()) });
      expect(zh.status).toBe(400);
      expect(await zh.json()).toEqual({
        error: { key: "photo.hashMismatch", message: expect.stringMatching(/校验值不一致/) },
      });
      const en = await put(jpeg(), {
        hash: sha256(jpeg()),
        headers: { cookie: `${cookie1}; doorstep_locale=en` },
      });
      expect((await en.json()).error.message).toMatch(/does not match its checksum/);
      const badHash = await put(jpeg(), { hash: "A".repeat(64) });
      expect(badHash.status).toBe(400);
      expect((await badHash.json()).error.key).toBe("photo.badHash");
      expect(await writes()).toEqual(before);
    });

    it("refuses a type it does not store with 415 and bytes that are not what they claim with 400", async () => {
      const before = await writes();
      const text = await put(jpeg(), { type: "text/plain" });
      expect(text.status).toBe(415);
      expect((await text.json()).error.key).toBe("photo.badType");
      const none = await put(jpeg(), { headers: { "content-type": "" } });
      expect(none.status).toBe(415);
      const disguised = await put(png(), { type: "image/jpeg" });
      expect(disguised.status).toBe(400);
      expect((await disguised.json()).error).toMatchObject({
        key: "photo.badType",
        message: expect.stringMatching(/JPEG/),
      });
      const garbage = await put(new TextEncoder().encode("<script>alert(1)</script>"), { type: "image/png" });
      expect(garbage.status).toBe(400);
      expect(await writes()).toEqual(before);
    });

    it("refuses an announced size over the limit with 413 before reading the body", async () => {
      let pulled = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled++;
          controller.enqueue(new Uint8Array(1024));
        },
      });
      const response = await put(body, { headers: { "content-length": String(MAX_PHOTO_BYTES + 1) } });
      expect(response.status).toBe(413);
      const refusal = await response.json();
      expect(refusal.error.key).toBe("photo.tooLarge");
      expect(refusal.error.message).toContain("2 MB");
      expect(pulled).toBeLessThanOrEqual(1);
    });

    it("stops reading a body that passes the limit without announcing its size", async () => {
      const chunk = 64 * 1024;
      let sent = 0;
      const endless = new ReadableStream<Uint8Array>({
        pull(controller) {
          const bytes = new Uint8Array(chunk);
          if (sent === 0) bytes.set([0xff, 0xd8, 0xff]);
          sent += chunk;
          controller.enqueue(bytes);
        },
      });
      const before = await writes();
      const response = await put(endless);
      expect(response.status).toBe(413);
      expect(sent).toBeGreaterThan(MAX_PHOTO_BYTES);
      // Stopped at the chunk that crossed the limit (plus what the stream had queued ahead).
      expect(sent).toBeLessThanOrEqual(MAX_PHOTO_BYTES + 4 * chunk);
      expect(await writes()).toEqual(before);
    });

    it("takes a photo of exactly the limit", async () => {
      const bytes = jpeg(MAX_PHOTO_BYTES);
      expect((await put(bytes)).status).toBe(201);
    });

    it("answers another officer's grid, a missing grid and no grid alike, writing nothing", async () => {
      const before = await writes();
      const other = await put(jpeg(), { grid: otherGrid });
      expect(other.status).toBe(404);
      expect((await other.json()).error.key).toBe("errors.notFound");
      expect((await put(jpeg(), { grid: "00000000-0000-4000-8000-000000000000" })).status).toBe(404);
      expect((await put(jpeg(), { grid: null })).status).toBe(400);
      expect(await writes()).toEqual(before);
    });

    it("refuses without a session with 401", async () => {
      const before = await writes();
      const response = await put(jpeg(), { cookie: null });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: { key: "auth.required", message: "请先登录" } });
      const stale = await put(jpeg(), {
        cookie: "doorstep_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      });
      expect(stale.status).toBe(401);
      expect(await writes()).toEqual(before);
    });

    it("refuses cross-site uploads with 403", async () => {
      const before = await writes();
      const crossSite = await put(jpeg(), { headers: { "sec-fetch-site": "cross-site" } });
      expect(crossSite.status).toBe(403);
      expect(await crossSite.json()).toEqual({
        error: { key: "errors.crossSite", message: "拒绝跨站请求，请从本系统页面操作" },
      });
      const otherOrigin = await put(jpeg(), { headers: { origin: "https://evil.example" } });
      expect(otherOrigin.status).toBe(403);
      expect(await writes()).toEqual(before);
    });
  });
});
