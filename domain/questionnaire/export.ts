// A campaign's questionnaire answers as a file: one row per visit with a column per question, the
// repeats' rows on a second sheet keyed by the visit, and statistics per community and grid on a
// third. Pure: the rows come from server/services/export.ts, the words from answer-lines.ts (each visit
// in its own version's labels, as the review shows them), the file from server/services/export-file.ts.

import { codeLabel, VISIT_OUTCOME } from "../codes";
import { chinaDateTime, roomLabel, subjectText } from "../export";
import type { Locale, Translate } from "../i18n";
import type { ExportCell, ExportColumn, ExportTable } from "../progress";
import type { ReviewState, SubjectType } from "../visit";
import { type AnsweredLine, answeredLines, maskAnswer } from "./answer-lines";
import {
  type Choice,
  offeredChoices,
  type QuestionnaireDefinition,
  type QuestionType,
  type Text,
  textIn,
  walkItems,
} from "./definition";
import type { Answers } from "./evaluate";

export interface AnswerVisit {
  id: string;
  visitedAt: Date;
  officer: string;
  communityName: string | null;
  gridName: string;
  address: string;
  unitNo: string | null;
  roomNo: string;
  subjectType: SubjectType;
  householdNo: string | null;
  unitName: string | null;
  landlordName: string | null;
  outcome: string;
  reviewState: ReviewState;
  questionnaireVersion: number | null;
  answers: Answers | null;
  /** Names in play at the visit, masked in free-text answers. */
  noteNames: string[];
}

export interface AnswerVersion {
  version: number;
  definition: QuestionnaireDefinition;
}

/** A question as the file's columns know it: by name, over every version. */
export interface AnswerQuestion {
  name: string;
  type: QuestionType;
  /** The newest label among the versions that ask it (the header's). */
  label: Text;
  /** The innermost repeat it lies in; null outside any. */
  repeat: string | null;
  /** select questions: the union of choices by name, newest label first. */
  choices: Choice[];
}

const NUMERIC: ReadonlySet<QuestionType> = new Set(["integer", "decimal"]);
const SELECT: ReadonlySet<QuestionType> = new Set(["select_one", "select_multiple"]);

/**
 * The union of the versions' questions by name: the newest version's in its form order, then those
 * only older versions ask, in theirs. Notes and calculations are not answers (as in the review).
 */
export function answerQuestions(versions: readonly AnswerVersion[]): AnswerQuestion[] {
  const byName = new Map<string, AnswerQuestion>();
  for (const { definition } of [...versions].sort((a, b) => b.version - a.version)) {
    const lists = new Map(definition.lists.map((l) => [l.name, l.choices]));
    for (const { item, parents } of walkItems(definition.survey)) {
      if (item.kind !== "question" || item.type === "note" || item.type === "calculate") continue;
      const repeats = parents.filter((p) => p.kind === "repeat");
      const choices = SELECT.has(item.type) ? offeredChoices(item, lists.get(item.list ?? "") ?? []) : [];
      const known = byName.get(item.name);
      if (!known) {
        byName.set(item.name, {
          name: item.name,
          type: item.type,
          label: item.label,
          repeat: repeats.length > 0 ? repeats[repeats.length - 1].name : null,
          choices: [...choices],
        });
      } else {
        for (const choice of choices)
          if (!known.choices.some((c) => c.name === choice.name)) known.choices.push(choice);
      }
    }
  }
  return [...byName.values()];
}

/** A header cell and the code below it. */
interface Column extends ExportColumn {
  code: string;
}

const col = (header: string, code: string, width: number, kind: ExportColumn["kind"] = "text"): Column => ({
  header,
  code,
  width,
  kind,
});

/** The columns of one question: one, or for a multiple choice a 0/1 column per choice and its labels. */
function questionColumns(q: AnswerQuestion, locale: Locale, t: Translate): Column[] {
  const label = textIn(q.label, locale) || q.name;
  if (q.type !== "select_multiple") return [col(label, q.name, 16, NUMERIC.has(q.type) ? "int" : "text")];
  return [
    ...q.choices.map((c) =>
      col(
        t("export.answers.choiceColumn", { question: label, choice: textIn(c.label, locale) || c.name }),
        `${q.name}/${c.name}`,
        8,
        "int",
      ),
    ),
    col(label, q.name, 24),
  ];
}

/** The cells of one question for one answer line (absent: not answered). */
function questionCells(
  q: AnswerQuestion,
  line: AnsweredLine | undefined,
  visit: AnswerVisit,
  locale: Locale,
): ExportCell[] {
  const words = line?.value ? maskAnswer(q.type, textIn(line.value, locale), visit.noteNames) : "";
  if (q.type === "select_multiple") {
    const picked = line?.raw ? line.raw.split(" ").filter(Boolean) : null;
    return [...q.choices.map((c) => (picked ? (picked.includes(c.name) ? 1 : 0) : null)), words];
  }
  if (NUMERIC.has(q.type) && line?.raw !== undefined) {
    const n = Number(line.raw);
    if (Number.isFinite(n)) return [n];
  }
  return [words];
}

export interface AnswerTables {
  answers: ExportTable<"answers">;
  repeats: ExportTable<"repeats">;
  statistics: ExportTable<"answerStatistics">;
}

/** The three sheets of the answers file, headers in `locale` with the codes in the row below. */
export function answerTables(
  visits: readonly AnswerVisit[],
  versions: readonly AnswerVersion[],
  locale: Locale,
  t: Translate,
): AnswerTables {
  const questions = answerQuestions(versions);
  const definitions = new Map(versions.map((v) => [v.version, v.definition]));
  const top = questions.filter((q) => q.repeat === null);
  const inRepeats = questions.filter((q) => q.repeat !== null);
  const repeatLabels = new Map<string, Text>();
  for (const { definition } of [...versions].sort((a, b) => a.version - b.version))
    for (const { item } of walkItems(definition.survey))
      if (item.kind === "repeat") repeatLabels.set(item.name, item.label);

  const visitColumns: Column[] = [
    col(t("export.answers.col.visitId"), "visit_id", 38),
    col(t("export.col.visitedAt"), "visited_at", 17, "date"),
    col(t("export.col.officer"), "officer", 12),
    col(t("export.col.community"), "community", 12),
    col(t("export.col.grid"), "grid", 16),
    col(t("export.col.address"), "address", 36),
    col(t("export.col.room"), "room", 12),
    col(t("export.col.subject"), "subject", 22),
    col(t("export.col.outcome"), "outcome", 14),
    col(t("export.col.reviewState"), "review_state", 10),
    col(t("export.answers.col.version"), "questionnaire_version", 8, "int"),
  ];
  const answerColumns = [...visitColumns, ...top.flatMap((q) => questionColumns(q, locale, t))];
  const repeatColumns = [
    col(t("export.answers.col.visitId"), "visit_id", 38),
    col(t("export.answers.col.repeat"), "repeat", 16),
    col(t("export.answers.col.row"), "row", 8),
    ...inRepeats.flatMap((q) => questionColumns(q, locale, t)),
  ];

  const answerRows: ExportCell[][] = [];
  const repeatRows: ExportCell[][] = [];
  /** Top-level answers by visit, for the statistics. */
  const answered: { visit: AnswerVisit; lines: Map<string, AnsweredLine> }[] = [];
  for (const visit of visits) {
    const definition =
      visit.questionnaireVersion === null ? undefined : definitions.get(visit.questionnaireVersion);
    const lines =
      definition && visit.answers ? answeredLines(definition, visit.answers, { now: visit.visitedAt }) : [];
    const outside = new Map<string, AnsweredLine>();
    const rows = new Map<string, { within: AnsweredLine["within"]; lines: Map<string, AnsweredLine> }>();
    for (const line of lines) {
      if (line.raw === undefined) continue;
      if (line.within.length === 0) {
        outside.set(line.name, line);
        continue;
      }
      const key = line.within.map((w) => `${w.repeat}#${w.row}`).join("/");
      const row = rows.get(key) ?? { within: line.within, lines: new Map() };
      row.lines.set(line.name, line);
      rows.set(key, row);
    }
    if (definition && visit.answers) answered.push({ visit, lines: outside });
    answerRows.push([
      visit.id,
      chinaDateTime(visit.visitedAt),
      visit.officer,
      visit.communityName ?? "",
      visit.gridName,
      visit.address,
      roomLabel(visit.unitNo, visit.roomNo, t),
      subjectText(visit),
      codeLabel(VISIT_OUTCOME, visit.outcome, locale),
      t(`review.state.${visit.reviewState}`),
      visit.questionnaireVersion,
      ...top.flatMap((q) => questionCells(q, outside.get(q.name), visit, locale)),
    ]);
    for (const { within, lines: cells } of rows.values()) {
      const repeat = within[within.length - 1].repeat;
      repeatRows.push([
        visit.id,
        textIn(repeatLabels.get(repeat), locale) || repeat,
        within.map((w) => w.row).join("."),
        ...inRepeats.flatMap((q) =>
          q.repeat === repeat
            ? questionCells(q, cells.get(q.name), visit, locale)
            : questionColumns(q, locale, t).map(() => null),
        ),
      ]);
    }
  }

  const codesRow = (columns: readonly Column[]): ExportCell[] => columns.map((c) => c.code);
  const plain = (columns: readonly Column[]): ExportColumn[] =>
    columns.map(({ code: _code, ...column }) => column);
  return {
    answers: {
      key: "answers",
      title: t("export.answers.sheet.answers"),
      columns: plain(answerColumns),
      frozenRows: 2,
      rows: [codesRow(answerColumns), ...answerRows],
    },
    repeats: {
      key: "repeats",
      title: t("export.answers.sheet.repeats"),
      columns: plain(repeatColumns),
      frozenRows: 2,
      rows: [codesRow(repeatColumns), ...repeatRows],
    },
    statistics: answerStatistics(answered, top, locale, t),
  };
}

// ---------------------------------------------------------------------------------------------
// Statistics

/** The median of numbers (the mean of the middle two when their count is even); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const round = (x: number, places: number) => Math.round(x * 10 ** places) / 10 ** places;

function answerStatistics(
  answered: readonly { visit: AnswerVisit; lines: Map<string, AnsweredLine> }[],
  questions: readonly AnswerQuestion[],
  locale: Locale,
  t: Translate,
): ExportTable<"answerStatistics"> {
  const columns: Column[] = [
    col(t("export.col.community"), "community", 12),
    col(t("export.col.grid"), "grid", 16),
    col(t("export.answers.stat.question"), "question", 24),
    col(t("export.answers.stat.questionCode"), "question_code", 16),
    col(t("export.answers.stat.choice"), "choice", 16),
    col(t("export.answers.stat.choiceCode"), "choice_code", 12),
    col(t("export.answers.stat.answered"), "answered", 10, "int"),
    col(t("export.answers.stat.count"), "count", 8, "int"),
    col(t("export.answers.stat.share"), "share_pct", 10, "percent"),
    col(t("export.answers.stat.mean"), "mean", 10),
    col(t("export.answers.stat.median"), "median", 10),
  ];
  const stats = questions.filter((q) => SELECT.has(q.type) || NUMERIC.has(q.type));
  // Grids in the order the visits come (community, grid), each community followed by its total.
  const groups = new Map<
    string,
    { community: string; grid: string | null; lines: Map<string, AnsweredLine>[] }
  >();
  const add = (key: string, community: string, grid: string | null, lines: Map<string, AnsweredLine>) => {
    const group = groups.get(key) ?? { community, grid, lines: [] };
    group.lines.push(lines);
    groups.set(key, group);
  };
  for (const { visit, lines } of answered) {
    const community = visit.communityName ?? "";
    add(`${community}\u0000${visit.gridName}`, community, visit.gridName, lines);
  }
  const ordered = [...groups.values()];
  const communities = [...new Set(ordered.map((g) => g.community))];
  const withTotals = communities.flatMap((community) => {
    const grids = ordered.filter((g) => g.community === community);
    return [...grids, { community, grid: null, lines: grids.flatMap((g) => g.lines) }];
  });

  const rows: ExportCell[][] = [];
  for (const group of withTotals) {
    const place = [group.community, group.grid ?? t("export.answers.stat.allGrids")];
    for (const q of stats) {
      const label = textIn(q.label, locale) || q.name;
      const raws = group.lines.map((l) => l.get(q.name)?.raw).filter((r): r is string => !!r);
      if (raws.length === 0) continue;
      if (SELECT.has(q.type)) {
        const picks = raws.map((raw) => (q.type === "select_one" ? [raw] : raw.split(" ").filter(Boolean)));
        for (const choice of q.choices) {
          const n = picks.filter((p) => p.includes(choice.name)).length;
          rows.push([
            ...place,
            label,
            q.name,
            textIn(choice.label, locale) || choice.name,
            choice.name,
            raws.length,
            n,
            round((n / raws.length) * 100, 1),
            null,
            null,
          ]);
        }
      } else {
        const values = raws.map(Number).filter(Number.isFinite);
        if (values.length === 0) continue;
        const mean = values.reduce((a, b) => a + b, 0) / values.length;
        rows.push([
          ...place,
          label,
          q.name,
          "",
          "",
          values.length,
          null,
          null,
          round(mean, 2),
          median(values),
        ]);
      }
    }
  }
  return {
    key: "answerStatistics",
    title: t("export.answers.sheet.statistics"),
    columns: columns.map(({ code: _code, ...column }) => column),
    frozenRows: 2,
    rows: [columns.map((c) => c.code), ...rows],
  };
}
