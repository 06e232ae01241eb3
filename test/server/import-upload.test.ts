// The admin page's upload: file names cannot escape the upload folder, the size limit holds without
// leaving a partial file, an upload is imported by the same engine, and its rejected rows go to the
// administrator who uploaded them only, audited.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, users } from "@/db/schema";
import { createTranslator } from "@/domain/i18n";
import type { SessionUser } from "@/server/services/auth";
import { importUpload, rejectedRows, uploadName } from "@/server/services/import-upload";
import { databaseKinds, openTestDatabase, type TestDatabase } from "../support/db";
import { codeOf, seedSmallStreet } from "../support/fixture";

const t = createTranslator("zh-CN");
const ROOT = path.join(os.tmpdir(), "doorstep-imports");
const bodyOf = (text: string) => new Blob([text]).stream();

describe("upload names", () => {
  it("keep only a harmless base name with an extension the engine reads", async () => {
    expect(uploadName("../../etc/人员 名单.csv")).toBe("人员_名单.csv");
    expect(uploadName("C:\\Users\\me\\a.CSV")).toBe("a.CSV");
    expect(await codeOf(Promise.resolve().then(() => uploadName("run.sh")))).toBe("BAD_REQUEST");
    expect(await codeOf(Promise.resolve().then(() => uploadName(null)))).toBe("BAD_REQUEST");
  });
});

describe.each(databaseKinds)("the admin upload on %s", (kind) => {
  let database: TestDatabase;
  let admin: SessionUser;
  let other: SessionUser;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await seedSmallStreet(database);
    const rows = await database.db.select().from(users);
    const asSession = (username: string): SessionUser => {
      const row = rows.find((u) => u.username === username) as (typeof rows)[number];
      return { ...row, areaId: row.areaId, areaPath: "", areaName: "", areaLevel: "city" } as SessionUser;
    };
    admin = asSession("admin");
    other = asSession("supervisor");
  });
  afterAll(() => database?.close());

  it("refuses an empty body and a file over the limit, and keeps no part of it", async () => {
    const before = fs.existsSync(ROOT) ? fs.readdirSync(ROOT).length : 0;
    const options = { kind: "persons" as const, dryRun: true, name: "a.csv", translate: t };
    expect(await codeOf(importUpload(database.db, admin, null, options))).toBe("BAD_REQUEST");
    expect(await codeOf(importUpload(database.db, admin, bodyOf(""), options))).toBe("BAD_REQUEST");
    expect(
      await codeOf(
        importUpload(database.db, admin, bodyOf("x".repeat(2048)), { ...options, maxBytes: 1024 }),
      ),
    ).toBe("PAYLOAD_TOO_LARGE");
    expect(fs.existsSync(ROOT) ? fs.readdirSync(ROOT).length : 0).toBe(before);
  });

  it("imports through the engine and gives the rejected rows to their uploader only, audited", async () => {
    const progress: number[] = [];
    const report = await importUpload(
      database.db,
      admin,
      bodyOf(
        "姓名,公民身份号码,性别,出生日期,户号,社区代码,建筑物编码,房号\r\n张三,123,男,1980-01-01,X1,1,2,3\r\n",
      ),
      {
        kind: "persons",
        dryRun: false,
        name: "名单.csv",
        translate: t,
        onProgress: (p) => progress.push(p.totalBytes),
      },
    );
    expect(report).toMatchObject({ file: "名单.csv", read: 1, rejected: 1, rejectedFile: "rejected.csv" });
    expect(progress[0]).toBeGreaterThan(0);
    // No server path leaves the server.
    expect(JSON.stringify(report)).not.toContain(os.tmpdir());

    expect(await codeOf(rejectedRows(database.db, other, report.uploadId))).toBe("NOT_FOUND");
    const file = await rejectedRows(database.db, admin, report.uploadId);
    expect(file.name).toBe("名单.rejected.csv");
    expect(fs.readFileSync(file.path, "utf8")).toContain("错误原因");
    const audits = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "import_rejected_download"), eq(auditLog.userId, admin.id)));
    expect(audits.length).toBeGreaterThanOrEqual(1);
    expect(await codeOf(rejectedRows(database.db, admin, "00000000-0000-0000-0000-000000000000"))).toBe(
      "NOT_FOUND",
    );
  });
});
