// Every route that reads a request body holds it to its bound by the bytes that arrive, chunked or not,
// answering 413 in the caller's language without reading (or keeping) the rest; and a pushed change
// carries no value over 16 KB, whatever the body's bound allows.

import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { POST as importPost } from "@/app/api/import/route";
import { PUT as photoPut } from "@/app/api/photos/[sha256]/route";
import { POST as trpcPost } from "@/app/api/trpc/[trpc]/route";
import type { Database } from "@/db/client";
import { auditLog, changes } from "@/db/schema";
import { rereadEnv } from "@/server/env";
import { ensureOpenCampaignCodes } from "@/server/services/codes";
import { databaseKinds, openTestDatabase } from "../support/db";
import { fromAddress, loginAs, seedSmallStreet } from "../support/fixture";
import { visitMutation } from "../support/push";
import { type Served, serve } from "../support/serve";
import { type Side, sideOf } from "../support/sides";

const BASE = "http://localhost:3000";
const MB = 1024 * 1024;
const CHUNK = 64 * 1024;

/**
 * A chunked body (a stream, so no Content-Length): `total` bytes in 64 KB chunks, each made only when
 * the reader pulls it, with a count of what was pulled.
 */
function chunked(total: number, byte = 0x20) {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled >= total) {
          controller.close();
          return;
        }
        const size = Math.min(CHUNK, total - pulled);
        pulled += size;
        controller.enqueue(new Uint8Array(size).fill(byte));
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulled: () => pulled };
}

describe.each(databaseKinds)("request bodies bounded by the bytes read on %s", (kind) => {
  let database: Database;
  let side: Side;
  let officer: string;
  let admin: string;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await seedSmallStreet(database);
    await ensureOpenCampaignCodes(database.db);
    side = await sideOf(database, "officer1");
    officer = await loginAs(database, "officer1");
    admin = await loginAs(database, "admin");
    globalThis.__doorstepDatabase = Promise.resolve(database);
  });
  afterAll(async () => {
    globalThis.__doorstepDatabase = undefined;
    await database?.close();
  });
  afterEach(() => {
    delete process.env.DOORSTEP_IMPORT_MAX_MB;
    rereadEnv();
  });

  const auditCount = async () => (await database.db.select({ id: auditLog.id }).from(auditLog)).length;

  const routes = [
    {
      name: "the tRPC endpoint",
      bound: 1 * MB,
      message: "提交的内容过大（最多 1 MB），请分几次提交",
      send: (body: ReadableStream<Uint8Array>) =>
        trpcPost(
          new Request(`${BASE}/api/trpc/sync.push`, {
            method: "POST",
            body,
            headers: { host: "localhost:3000", "content-type": "application/json", cookie: officer },
            duplex: "half",
          } as RequestInit),
        ),
    },
    {
      name: "the photo upload",
      bound: 2 * MB,
      message: "照片过大（最大 2 MB），请重新拍照，应用会自动压缩",
      send: (body: ReadableStream<Uint8Array>) =>
        photoPut(
          new Request(`${BASE}/api/photos/${"ab".repeat(32)}?grid=${side.gridId}`, {
            method: "PUT",
            body,
            headers: { host: "localhost:3000", "content-type": "image/jpeg", cookie: officer },
            duplex: "half",
          } as RequestInit),
          { params: Promise.resolve({ sha256: "ab".repeat(32) }) },
        ),
    },
    {
      name: "the import upload",
      bound: 1 * MB,
      message: "文件超过 1 MB，请拆分后分批导入",
      send: (body: ReadableStream<Uint8Array>) => {
        // The real bound is 512 MB; the test makes it 1 MB rather than write half a gigabyte.
        process.env.DOORSTEP_IMPORT_MAX_MB = "1";
        rereadEnv();
        return importPost(
          new Request(`${BASE}/api/import?kind=persons&dryRun=1&name=a.csv`, {
            method: "POST",
            body,
            headers: { host: "localhost:3000", "content-type": "application/octet-stream", cookie: admin },
            duplex: "half",
          } as RequestInit),
        );
      },
    },
  ];

  for (const route of routes) {
    it(`${route.name}: a chunked body over its bound is a 413 in the user's language, read no further`, async () => {
      const before = await auditCount();
      const body = chunked(8 * route.bound);
      const response = await route.send(body.stream);
      expect(response.status).toBe(413);
      expect((await response.json()).error.message).toBe(route.message);
      // At most the bound and the chunk that crossed it (and one the stream had ready) were read.
      expect(body.pulled()).toBeLessThanOrEqual(route.bound + 2 * CHUNK);
      expect(await auditCount()).toBe(before);
    });
  }

  it("over a real socket, a chunked tRPC body over 1 MB is a 413 and the server goes on answering", async () => {
    const app: Served = await serve((pathname) => (pathname.startsWith("/api/trpc/") ? trpcPost : undefined));
    try {
      // Far more than the loopback socket's buffers can take in, so "not all of it was pulled" says the
      // server stopped reading: with 4 MB, a busy machine's kernel took the whole body in before the 413
      // closed the connection (CI, once).
      const body = chunked(64 * MB);
      const response = await fetch(`${app.url}/api/trpc/auth.login`, {
        method: "POST",
        body: body.stream,
        headers: { "content-type": "application/json" },
        duplex: "half",
      } as RequestInit);
      expect(response.status).toBe(413);
      expect((await response.json()).error.message).toBe("提交的内容过大（最多 1 MB），请分几次提交");
      expect(body.pulled()).toBeLessThan(64 * MB);
      const next = await fetch(`${app.url}/api/trpc/auth.login`, {
        method: "POST",
        body: JSON.stringify({ json: { username: "officer9", password: "doorstep" } }),
        headers: { "content-type": "application/json" },
      });
      expect(next.status).toBe(200);
      // A chunked body under the bound is read and answered like any other.
      const text = new TextEncoder().encode(
        JSON.stringify({ json: { username: "officer9", password: "doorstep" } }),
      );
      const small = await fetch(`${app.url}/api/trpc/auth.login`, {
        method: "POST",
        body: new ReadableStream({
          start(controller) {
            controller.enqueue(text.slice(0, 10));
            controller.enqueue(text.slice(10));
            controller.close();
          },
        }),
        headers: { "content-type": "application/json" },
        duplex: "half",
      } as RequestInit);
      expect(small.status).toBe(200);
      expect((await small.json()).result.data.json.username).toBe("officer9");
    } finally {
      await app.close();
    }
  });

  async function push(mutations: unknown[]) {
    const response = await trpcPost(
      new Request(`${BASE}/api/trpc/sync.push`, {
        method: "POST",
        body: JSON.stringify({ json: { deviceId: crypto.randomUUID(), mutations } }),
        headers: {
          host: "localhost:3000",
          "content-type": "application/json",
          cookie: officer,
          ...fromAddress("198.51.100.40"),
        },
      }),
    );
    return { status: response.status, body: await response.json() };
  }

  it("a pushed change's value over 16 KB rejects its visit alone, in the officer's language", async () => {
    // 6,000 characters: far under 16 K characters, 18,000 bytes as UTF-8.
    const big = visitMutation({
      gridId: side.gridId,
      roomId: side.roomId,
      subjectType: "household",
      subjectId: side.householdId,
      campaignId: side.campaignId,
      changes: [
        {
          entity: "household",
          entityId: side.householdId,
          field: "kind",
          registerValue: "屋".repeat(6000),
          observedValue: "1",
          baseVersion: 1,
        },
      ],
    });
    const small = visitMutation({ gridId: side.gridId, roomId: side.roomId, campaignId: side.campaignId });
    const answer = await push([big, small]);
    expect(answer.status).toBe(200);
    const results = answer.body.result.data.json.results;
    expect(results[0]).toMatchObject({
      id: big.id,
      status: "rejected",
      key: "validation.visit.valueTooLarge",
      message: "更正的内容过长（每项最多 16 KB），请删减后重新保存",
    });
    expect(results[1]).toMatchObject({ id: small.id, status: "applied" });
    expect(await database.db.select().from(changes).where(eq(changes.visitId, big.id))).toEqual([]);
  });

  it("a resolve with a value over 16 KB is a malformed push: 400, saying which value", async () => {
    const answer = await push([
      {
        id: crypto.randomUUID(),
        kind: "resolve",
        payload: { changeId: side.changeId, value: "x".repeat(17 * 1024), serverValue: "1" },
      },
    ]);
    expect(answer.status).toBe(400);
    expect(answer.body.error.json.message).toBe("请求格式不正确");
    expect(answer.body.error.json.data.fieldErrors["mutations.0.payload.value"]).toBe(
      "更正的内容过长（每项最多 16 KB），请删减后重新保存",
    );
  });
});
