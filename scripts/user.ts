import "@/domain/i18n/all";
/**
 * Manages real users:
 *   npm run user -- add USERNAME --role officer|supervisor|admin --area AREA_CODE --name 显示名 [--phone P]
 *   npm run user -- passwd USERNAME
 *   npm run user -- disable USERNAME
 * The password comes from DOORSTEP_PASSWORD, or is read from standard input (one line).
 */
import { parseArgs } from "node:util";
import { openDatabase } from "@/db/client";
import { ROLES, type Role } from "@/domain/auth";
import { createTranslator, negotiateLocale } from "@/domain/i18n";
import { readEnv } from "@/server/env";
import { AppError } from "@/server/errors";
import { createUser, disableUser, setPassword } from "@/server/services/users";

async function readPassword(): Promise<string> {
  if (process.env.DOORSTEP_PASSWORD) return process.env.DOORSTEP_PASSWORD;
  if (process.stdin.isTTY) process.stdout.write("Password: ");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    if (Buffer.concat(chunks).includes(10)) break;
  }
  return Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0];
}

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      role: { type: "string" },
      area: { type: "string" },
      name: { type: "string" },
      phone: { type: "string" },
    },
  });
  const [command, username] = positionals;
  if (!command || !username || !["add", "passwd", "disable"].includes(command)) {
    console.error("usage: npm run user -- add|passwd|disable USERNAME [--role R --area CODE --name NAME]");
    process.exit(2);
  }
  const env = readEnv();
  const database = env.databaseUrl
    ? await openDatabase({ kind: "postgresql", url: env.databaseUrl })
    : await openDatabase({ kind: "pglite", dataDir: env.dataDir });
  try {
    if (command === "add") {
      const role = values.role as Role;
      if (!ROLES.includes(role) || !values.area) {
        console.error("add needs --role admin|supervisor|officer and --area AREA_CODE");
        process.exit(2);
      }
      const user = await createUser(database.db, {
        username,
        role,
        areaCode: values.area,
        displayName: values.name ?? username,
        phone: values.phone,
        password: await readPassword(),
      });
      console.log(`created ${user.username}`);
    } else if (command === "passwd") {
      await setPassword(database.db, username, await readPassword());
      console.log(`password changed for ${username}; their sessions are closed`);
    } else {
      await disableUser(database.db, username);
      console.log(`disabled ${username}; their sessions are closed`);
    }
  } catch (error) {
    if (error instanceof AppError) {
      console.error(createTranslator(negotiateLocale(null, process.env.LANG))(error.key, error.params));
      process.exitCode = 1;
    } else throw error;
  } finally {
    await database.close();
  }
}

main();
