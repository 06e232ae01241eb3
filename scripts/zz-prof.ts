import { validateAnswers, evaluateForm, validateForm } from "../domain/questionnaire";
import { answers, form } from "../scripts/support/questionnaire-form";
const definition = form();
const sets = Array.from({ length: 1000 }, (_, n) => answers(n));
const ctx = { now: new Date("2026-11-20T10:00:00+08:00") };
for (let r = 0; r < 5; r++) {
  let t = performance.now();
  for (const s of sets) evaluateForm(definition, s, ctx);
  const ev = performance.now() - t;
  t = performance.now();
  for (const s of sets) validateAnswers(definition, s, ctx);
  console.log("eval", ev.toFixed(0), "eval+validate", (performance.now() - t).toFixed(0));
}
