// The production server as it ships (`next start`, DOORSTEP_TRUST_PROXY unset), run by this spec on a
// port of its own: the client address the limits count is the socket's, whatever X-Forwarded-For says
// (instrumentation.ts stamps it before Next sees the request), and a chunked body past the tRPC bound
// is refused with 413 by the bytes that arrive. The shared e2e server trusts one proxy instead, so the
// other specs can play residents on phones of their own.

import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import { expect, test } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3100) + 7;
const BASE = `http://127.0.0.1:${PORT}`;
const DATA = ".e2e-peer-data";

let server: ChildProcess | undefined;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(240_000);
  fs.rmSync(DATA, { recursive: true, force: true });
  fs.rmSync(`${DATA}.lock`, { force: true });
  // Next's own binary rather than npx, so the process ended below is the server itself.
  server = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(PORT)], {
    env: {
      ...process.env,
      DOORSTEP_DATA_DIR: DATA,
      DOORSTEP_DEMO_SCALE: "0.03",
      DATABASE_URL: "",
      DOORSTEP_TRUST_PROXY: "",
    },
    stdio: "ignore",
  });
  const deadline = Date.now() + 200_000;
  for (;;) {
    const up = await fetch(`${BASE}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) throw new Error(`next start on ${PORT} did not answer /api/health`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
});

test.afterAll(async () => {
  if (server?.pid) {
    const exited = new Promise((resolve) => server?.once("exit", resolve));
    server.kill("SIGTERM");
    await exited;
  }
  fs.rmSync(DATA, { recursive: true, force: true });
  fs.rmSync(`${DATA}.lock`, { force: true });
});

test("X-Forwarded-For does not choose the client's address: 12 rotating ones get 5 lookups, then 429", async ({
  request,
}) => {
  const statuses: number[] = [];
  for (let i = 0; i < 12; i++) {
    const response = await request.post(`${BASE}/api/trpc/check.lookup`, {
      headers: { "content-type": "application/json", "x-forwarded-for": `203.0.113.${i + 1}` },
      data: {
        json: { name: "张三", idNumber: `44010419700101${String(1000 + i).slice(1)}X`, code: "23456789AB" },
      },
    });
    statuses.push(response.status());
  }
  expect(statuses).toEqual([...Array(5).fill(404), ...Array(7).fill(429)]);
});

test("a chunked body over 1 MB to /api/trpc is a 413 in the user's language", async () => {
  const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(`${BASE}/api/trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
    });
    req.on("response", (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    // 4 MB in 64 KB chunks, written as the socket drains; the server may answer (and close) early.
    let sent = 0;
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const write = () => {
      while (sent < 4 * 1024 * 1024) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", write);
      }
      req.end();
    };
    write();
  });
  expect(answer.status).toBe(413);
  expect(JSON.parse(answer.body).error.message).toBe("提交的内容过大（最多 1 MB），请分几次提交");
});
