/**
 * Does /check answer a hit and every kind of miss in the same time? A small demo street in an in-memory
 * PGlite, codes for its campaign (and for a second, closed campaign: expired codes), then 200 lookups
 * of each kind through the service, interleaved, with the rate limits raised for the run. Prints the
 * median and p90 per kind and whether the medians lie within 10 ms of each other (the issue's aim).
 *   npm run bench:check [-- --tries 200 --scale 0.03]
 */
import { parseArgs } from "node:util";
import { and, eq, isNull } from "drizzle-orm";
import { campaignAreas, campaigns, householdCodes, persons } from "../db/schema";
import { seedDemo } from "../db/seed";
import { CODE_ALPHABET, CODE_LENGTH, checkLookupInput } from "../domain/check";
import { citizenIdCheckChar } from "../domain/validators";
import { hashPassword } from "../server/auth/password";
import { AppError } from "../server/errors";
import { type CheckLimits, lookupHousehold } from "../server/services/check";
import { ensureCodes } from "../server/services/codes";
import { emitFigures } from "./support/figures";
import { openBenchDatabase } from "./support/scratch-db";

const { values } = parseArgs({
  options: { tries: { type: "string", default: "200" }, scale: { type: "string", default: "0.03" } },
});
const TRIES = Number(values.tries);
const AIM_MS = 10;
const NO_LIMITS: CheckLimits = { ipPerMinute: 1e9, ipFailuresPerDay: 1e9, idFailuresPerDay: 1e9 };

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function main() {
  const bench = await openBenchDatabase();
  const { database } = bench;
  console.log(`database: ${bench.kind}`);
  try {
    const { db } = database;
    const seeded = await seedDemo(db, {
      scale: Number(values.scale),
      passwordHash: await hashPassword("doorstep"),
    });
    const campaignId = seeded.campaignId;
    const [closed] = await db
      .insert(campaigns)
      .values({ name: "上一轮核查", startsOn: "2025-01-01" })
      .returning({ id: campaigns.id });
    const areasOf = await db
      .select({ areaId: campaignAreas.areaId })
      .from(campaignAreas)
      .where(eq(campaignAreas.campaignId, campaignId));
    await db.insert(campaignAreas).values(areasOf.map((a) => ({ campaignId: closed.id, ...a })));
    const codes = await ensureCodes(db, campaignId);
    await ensureCodes(db, closed.id);
    await db
      .update(campaigns)
      .set({ status: "closed", closedAt: new Date() })
      .where(eq(campaigns.id, closed.id));
    console.log(`seeded ${seeded.counts.persons} persons; ${codes} household codes`);

    const residentsOf = (campaign: string) =>
      db
        .select({ name: persons.name, idNumber: persons.idNumber, code: householdCodes.code })
        .from(persons)
        .innerJoin(
          householdCodes,
          and(eq(householdCodes.householdId, persons.householdId), eq(householdCodes.campaignId, campaign)),
        )
        .where(isNull(persons.endedAt))
        .orderBy(persons.id)
        .limit(100);
    const open = await residentsOf(campaignId);
    const expired = await residentsOf(closed.id);

    const unknownId = (n: number) => {
      const body = `44010419${String(70 + (n % 30))}0101${String(100 + (n % 800)).padStart(3, "0")}`;
      return body + citizenIdCheckChar(body);
    };
    const strayCode = (n: number) =>
      Array.from(
        { length: CODE_LENGTH },
        (_, i) => CODE_ALPHABET[(n * 7 + i * 5 + i * i) % CODE_ALPHABET.length],
      ).join("");
    const kinds = {
      hit: (i: number) => open[i % open.length],
      "unknown ID": (i: number) => ({ ...open[i % open.length], idNumber: unknownId(i) }),
      "wrong name": (i: number) => ({ ...open[i % open.length], name: `${open[i % open.length].name}伟` }),
      "wrong code": (i: number) => ({ ...open[i % open.length], code: strayCode(i) }),
      "expired code": (i: number) => expired[i % expired.length],
    } as const;
    type Kind = keyof typeof kinds;
    const times = Object.fromEntries(Object.keys(kinds).map((k) => [k, [] as number[]])) as Record<
      Kind,
      number[]
    >;

    const once = async (kind: Kind, i: number) => {
      const input = checkLookupInput.parse(kinds[kind](i));
      const started = performance.now();
      let outcome: string;
      try {
        await lookupHousehold(db, input, { ip: "127.0.0.1", now: new Date(), limits: NO_LIMITS });
        outcome = "hit";
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        outcome = error.key;
      }
      const ms = performance.now() - started;
      if ((kind === "hit") !== (outcome === "hit")) throw new Error(`${kind} #${i} answered ${outcome}`);
      return ms;
    };

    // Warm up, then interleave the kinds so drift (caches, the growing audit log) hits all alike.
    for (let i = 0; i < 20; i++) for (const kind of Object.keys(kinds) as Kind[]) await once(kind, 1000 + i);
    for (let i = 0; i < TRIES; i++) {
      for (const kind of Object.keys(kinds) as Kind[]) times[kind].push(await once(kind, i));
    }

    const medians: number[] = [];
    console.log(
      `\n${"kind".padEnd(14)}${"median".padStart(10)}${"p90".padStart(10)}   (${TRIES} tries each)`,
    );
    for (const kind of Object.keys(kinds) as Kind[]) {
      const sorted = [...times[kind]].sort((a, b) => a - b);
      const median = quantile(sorted, 0.5);
      medians.push(median);
      console.log(
        `${kind.padEnd(14)}${`${median.toFixed(2)} ms`.padStart(10)}${`${quantile(sorted, 0.9).toFixed(2)} ms`.padStart(10)}`,
      );
    }
    const spread = Math.max(...medians) - Math.min(...medians);
    const ok = spread <= AIM_MS;
    console.log(
      `\nmedians within ${spread.toFixed(2)} ms of each other: ${ok ? "yes" : "NO"} (aim: ≤ ${AIM_MS} ms)`,
    );
    const hit = medians[0];
    emitFigures("check", [
      {
        figure: "self-check: slowest kind's median (beside a hit's)",
        unit: "ms",
        measured: Math.max(...medians),
        baseline: hit,
      },
      { figure: "self-check: spread of medians", unit: "ms", measured: spread, aim: `≤ ${AIM_MS}`, met: ok },
    ]);
    if (!ok) process.exitCode = 1;
  } finally {
    await bench.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
