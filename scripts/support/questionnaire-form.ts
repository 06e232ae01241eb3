/**
 * The bench's questionnaire (scripts/bench-questionnaire.ts): 100 questions, 10 of them in a repeat
 * answered with 30 rows, with constraints, skip logic and a sum over the repeat; and clean answers.
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${name} is XLSForm's reference syntax.
import {
  type Answers,
  type AnswerValue,
  parseDefinition,
  sheetRows,
  type Workbook,
} from "../../domain/questionnaire";

export const TOP = 90;
export const IN_REPEAT = 10;
export const REPEAT_ROWS = 30;

/**
 * The form as a workbook: six kinds of question in turn, each with a rule, then the repeat and a sum
 * over it. `repeatCount` fixes the repeat's rows (the phone's bench draws them all at once); without
 * it the officer adds rows, as the answers say.
 */
export function formWorkbook(repeatCount?: number): Workbook {
  const survey: string[][] = [
    ["type", "name", "label::zh", "required", "constraint", "relevant", "calculation", "repeat_count"],
  ];
  for (let i = 0; i < TOP; i++) {
    const name = `q${i}`;
    switch (i % 6) {
      case 0:
        survey.push(["integer", name, `问题 ${i}`, "yes", ". >= 0 and . <= 120", "", ""]);
        break;
      case 1:
        survey.push(["select_one yesno", name, `问题 ${i}`, "yes", "", "", ""]);
        break;
      case 2:
        survey.push(["text", name, `问题 ${i}`, "", "string-length(.) <= 50", `\${q${i - 1}} = 'yes'`, ""]);
        break;
      case 3:
        survey.push(["decimal", name, `问题 ${i}`, "", `. >= 0 and . < \${q${i - 3}} + 1000`, "", ""]);
        break;
      case 4:
        survey.push([
          "select_multiple needs",
          name,
          `问题 ${i}`,
          "",
          "not(selected(., 'none') and count-selected(.) > 1)",
          "",
          "",
        ]);
        break;
      default:
        survey.push(["date", name, `问题 ${i}`, "", ". <= today()", "", ""]);
    }
  }
  survey.push(["begin_repeat", "rows", "明细", "", "", "", "", repeatCount ? String(repeatCount) : ""]);
  for (let j = 0; j < IN_REPEAT; j++) {
    const name = `r${j}`;
    if (j % 3 === 0) survey.push(["integer", name, `明细 ${j}`, "yes", ". > 0", "", ""]);
    else if (j % 3 === 1) survey.push(["select_one yesno", name, `明细 ${j}`, "", "", "", ""]);
    else survey.push(["text", name, `明细 ${j}`, "", "", `\${r${j - 1}} = 'yes'`, ""]);
  }
  survey.push(["end_repeat", "", "", "", "", "", ""]);
  survey.push(["calculate", "total", "", "", "", "", "sum(${r0})"]);
  return {
    survey: sheetRows(survey),
    choices: sheetRows([
      ["list_name", "name", "label::zh"],
      ["yesno", "yes", "是"],
      ["yesno", "no", "否"],
      ["needs", "meal", "助餐"],
      ["needs", "doctor", "助医"],
      ["needs", "alarm", "紧急呼叫"],
      ["needs", "none", "无"],
    ]),
    settings: sheetRows([
      ["form_title::zh", "form_id", "version", "default_language"],
      ["基准问卷", "bench", "1", "zh"],
    ]),
  };
}

/** The form read, as the server stores it. */
export function form() {
  const parsed = parseDefinition(formWorkbook());
  if (!parsed.ok) throw new Error(`the bench form does not read: ${JSON.stringify(parsed.problems[0])}`);
  return parsed.definition;
}

/** A clean answer set, varied by `n`. */
export function answers(n: number): Answers {
  const out: Record<string, AnswerValue> = {};
  for (let i = 0; i < TOP; i++) {
    const name = `q${i}`;
    switch (i % 6) {
      case 0:
        out[name] = String((n + i) % 100);
        break;
      case 1:
        out[name] = (n + i) % 2 === 0 ? "yes" : "no";
        break;
      case 2:
        if (out[`q${i - 1}`] === "yes") out[name] = `第 ${n} 户的说明 ${i}`;
        break;
      case 3:
        out[name] = String(((n * 7 + i) % 500) / 4);
        break;
      case 4:
        out[name] = n % 3 === 0 ? "none" : "meal alarm";
        break;
      default:
        out[name] = "2025-06-01";
    }
  }
  out.rows = Array.from({ length: REPEAT_ROWS }, (_, r) => {
    const row: Record<string, string> = {};
    for (let j = 0; j < IN_REPEAT; j++) {
      if (j % 3 === 0) row[`r${j}`] = String(1 + ((n + r + j) % 9));
      else if (j % 3 === 1) row[`r${j}`] = (n + r) % 2 === 0 ? "yes" : "no";
      else if (row[`r${j - 1}`] === "yes") row[`r${j}`] = `行 ${r}`;
    }
    return row;
  });
  return out;
}
