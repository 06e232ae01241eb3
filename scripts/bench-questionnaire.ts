/**
 * What checking a questionnaire costs the push: a 100-question form (90 questions, and 10 in a repeat
 * answered with 30 rows; constraints, skip logic and a sum over the repeat) checked server-side with
 * domain/questionnaire's validateAnswers for 1,000 visits, beside a push of 1,000 plain visits
 * (pushMutations, in batches of PUSH_MAX_MUTATIONS) in the same process on the same database.
 * Aim (issue 16, Measure): the check under 10 % of the push's time. Also the same push with each
 * visit carrying its answers (the form published in the bench's campaign): what answers cost the push
 * as it runs, definitions read and compiled once per process (publishedDefinitions) included.
 *   npm run bench:questionnaire [-- --visits 1000 --runs 3 --scale 0.03]
 * On an in-memory PGlite; with DATABASE_URL, on a scratch database on that PostgreSQL server (dropped).
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${name} is XLSForm's reference syntax.
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { and, eq, isNotNull, sql } from "drizzle-orm";
import { households, questionnaires } from "../db/schema";
import { seedDemo } from "../db/seed";
import { createTranslator } from "../domain/i18n";
import { PUSH_MAX_MUTATIONS, type VisitMutation } from "../domain/push";
import { evaluateForm, setAnswer, validateAnswers, validateForm } from "../domain/questionnaire";
import { hashPassword } from "../server/auth/password";
import type { SessionUser } from "../server/services/auth";
import { pushMutations } from "../server/services/push";
import { emitFigures } from "./support/figures";
import { answers, form, IN_REPEAT, REPEAT_ROWS, TOP } from "./support/questionnaire-form";
import { openBenchDatabase } from "./support/scratch-db";
import { sessionUserOf } from "./support/session-user";

const { values } = parseArgs({
  options: {
    visits: { type: "string", default: "1000" },
    runs: { type: "string", default: "3" },
    scale: { type: "string", default: "0.03" },
  },
});
const VISITS = Number(values.visits);
const RUNS = Number(values.runs);
const AIM_RATIO = 0.1;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * The phone's evaluation work per keystroke, in this process: FormState.update and the typed answer's
 * own check (errorAt), beside what a keystroke did before it — the whole form evaluated and checked
 * again (evaluateForm + validateForm) — over the same 200 keys, typed into q0 (which q3's constraint
 * reads) and into rows of the repeat (which `total` sums). Median per key of RUNS × 3 runs, in µs.
 */
function keystrokeWork(): { incremental: number; full: number } {
  const def = form();
  const ctx = { now: new Date() };
  const keys = Array.from({ length: 200 }, (_, i) =>
    i % 2 === 0
      ? { name: "q0", chain: [] as string[], at: [] as number[], value: String(i % 130) }
      : { name: "r0", chain: ["rows"], at: [i % REPEAT_ROWS], value: String((i % 9) + 1) },
  );
  const full = () => {
    let a = answers(1);
    for (const k of keys) {
      a = setAnswer(a, k.chain, k.at, k.name, k.value);
      validateForm(evaluateForm(def, a, ctx));
    }
  };
  const incremental = () => {
    const state = evaluateForm(def, answers(1), ctx);
    for (const k of keys) {
      state.update(k.name, k.at, k.value);
      state.errorAt(k.name, k.at);
    }
  };
  const time = (f: () => void) => {
    f();
    const runs: number[] = [];
    for (let r = 0; r < RUNS * 3; r++) {
      const t0 = performance.now();
      f();
      runs.push(((performance.now() - t0) * 1000) / keys.length);
    }
    return median(runs);
  };
  return { full: time(full), incremental: time(incremental) };
}

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
    const officer = await sessionUserOf(db, "officer1");
    const user: SessionUser = officer;
    const rooms = await db
      .select({ roomId: households.roomId })
      .from(households)
      .where(and(eq(households.gridId, officer.areaId), isNotNull(households.roomId)));
    const translate = createTranslator("zh-CN");

    const definition = form();
    const sets = Array.from({ length: VISITS }, (_, n) => answers(n));
    const ctx = { now: new Date("2026-11-20T10:00:00+08:00") };
    const errors = validateAnswers(definition, sets[1], ctx);
    if (errors.length > 0) throw new Error(`the bench answers do not pass: ${JSON.stringify(errors[0])}`);

    // The bench's form published in the bench campaign, for pushes whose visits carry answers in it.
    const [{ version: lastVersion }] = await db
      .select({ version: sql<number>`coalesce(max(${questionnaires.version}), 0)` })
      .from(questionnaires)
      .where(eq(questionnaires.campaignId, seeded.campaignId));
    const benchVersion = Number(lastVersion) + 1;
    await db.insert(questionnaires).values({
      campaignId: seeded.campaignId,
      version: benchVersion,
      title: "基准问卷",
      definition,
      sourceFile: "bench.xlsx",
    });

    const pushOnce = async (answered = false) => {
      const mutations: VisitMutation[] = Array.from({ length: VISITS }, (_, i) => {
        const id = randomUUID();
        return {
          id,
          kind: "visit",
          payload: {
            visit: {
              id,
              campaignId: seeded.campaignId,
              gridId: officer.areaId,
              roomId: rooms[i % rooms.length].roomId as string,
              subjectType: "room",
              subjectId: null,
              outcome: "verified",
              attempt: 1,
              revisitDue: null,
              visitedAt: new Date(Date.UTC(2026, 10, 20, 2, 0, i)).toISOString(),
              lat: null,
              lng: null,
              accuracyM: null,
              note: null,
              photoSha256: null,
              ...(answered ? { answers: sets[i], questionnaireVersion: benchVersion } : {}),
            },
            changes: [],
          },
        };
      });
      const started = performance.now();
      for (let at = 0; at < mutations.length; at += PUSH_MAX_MUTATIONS) {
        const { results } = await pushMutations(
          db,
          user,
          { deviceId: randomUUID(), mutations: mutations.slice(at, at + PUSH_MAX_MUTATIONS) },
          { now: new Date(), ip: "127.0.0.1", userAgent: "bench", translate },
        );
        const refused = results.find((r) => r.status !== "applied");
        if (refused) throw new Error(`a visit was refused: ${JSON.stringify(refused)}`);
      }
      return performance.now() - started;
    };
    const checkOnce = () => {
      const started = performance.now();
      let failed = 0;
      for (const set of sets) failed += validateAnswers(definition, set, ctx).length;
      if (failed > 0) throw new Error(`${failed} answers failed`);
      return performance.now() - started;
    };

    // Warm up both (the JIT, the database's caches), then alternate so drift hits both alike.
    await pushOnce();
    await pushOnce(true);
    checkOnce();
    const push: number[] = [];
    const answeredPush: number[] = [];
    const check: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      push.push(await pushOnce());
      answeredPush.push(await pushOnce(true));
      check.push(checkOnce());
    }
    const pushMs = median(push);
    const answeredMs = median(answeredPush);
    const checkMs = median(check);
    // What answers cost the push as it runs (read and compile the definition, check, clean, store the
    // JSON), beside what validateAnswers alone costs.
    const answeredRatio = (answeredMs - pushMs) / pushMs;
    const ratio = checkMs / pushMs;
    const met = ratio < AIM_RATIO;
    console.log(
      `form: ${TOP + IN_REPEAT} questions (${IN_REPEAT} in a repeat answered with ${REPEAT_ROWS} rows)\n` +
        `push of ${VISITS} plain visits:        ${pushMs.toFixed(0)} ms (median of ${RUNS})\n` +
        `validateAnswers for ${VISITS} visits:  ${checkMs.toFixed(0)} ms (median of ${RUNS}; ${(checkMs / VISITS).toFixed(3)} ms a visit)\n` +
        `ratio: ${(ratio * 100).toFixed(1)} % of the push (aim: < ${AIM_RATIO * 100} %) ${met ? "met" : "NOT MET"}\n` +
        `push of ${VISITS} visits with these answers: ${answeredMs.toFixed(0)} ms (median of ${RUNS}): ` +
        `+${(answeredRatio * 100).toFixed(1)} % over the plain push (answers checked, cleaned and stored)`,
    );
    const keystroke = keystrokeWork();
    console.log(
      `keystroke evaluation: ${keystroke.incremental.toFixed(1)} µs incremental, ${keystroke.full.toFixed(1)} µs full evaluation and check`,
    );
    emitFigures("questionnaire", [
      {
        figure: `questionnaire keystroke evaluation: FormState.update + the answer's check, ${TOP + IN_REPEAT}-question form with a ${REPEAT_ROWS}-row repeat (baseline: the whole form evaluated and checked, as before)`,
        unit: "µs",
        measured: keystroke.incremental,
        baseline: keystroke.full,
      },
      {
        figure: `questionnaire: validateAnswers, ${TOP + IN_REPEAT}-question form with a ${REPEAT_ROWS}-row repeat, ${VISITS} visits (beside a push of ${VISITS} plain visits)`,
        unit: "ms",
        measured: checkMs,
        baseline: pushMs,
        aim: `< ${AIM_RATIO} of the push`,
        met,
      },
      {
        figure: `questionnaire: push of ${VISITS} visits with those answers (checked, cleaned, stored) beside the same push of plain visits`,
        unit: "ms",
        measured: answeredMs,
        baseline: pushMs,
      },
    ]);
    if (!met) process.exitCode = 1;
  } finally {
    await bench.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
