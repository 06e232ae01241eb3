"use client";

import type { AnswerLine } from "@/domain/questionnaire/answer-lines";
import { textIn } from "@/domain/questionnaire/definition";
import { useI18n } from "../../../_components/i18n";

/**
 * The visit's questionnaire answers, label beside answer in words, in the labels of the version the
 * officer answered (the server masked what is personal unless the reviewer revealed the visit).
 */
export function AnswersPanel({
  questionnaire,
}: {
  questionnaire: { version: number; title: string; lines: AnswerLine[] } | null;
}) {
  const { t, locale } = useI18n();
  if (!questionnaire) return null;
  return (
    <section className="mb-3" data-testid="review-answers">
      <h3 className="mb-1 font-semibold">
        {t("review.answers", { version: questionnaire.version })} · {questionnaire.title}
      </h3>
      <dl className="grid grid-cols-[minmax(8rem,auto)_1fr] gap-x-3 gap-y-1 text-base">
        {questionnaire.lines.map((line, i) => {
          const label = textIn(line.label, locale) || line.name;
          const indent = { paddingLeft: `${line.depth * 0.75}rem` };
          if (!line.value) {
            return (
              <dt
                // biome-ignore lint/suspicious/noArrayIndexKey: the lines are in form order and never move.
                key={i}
                className="col-span-2 mt-1 font-semibold text-gray-900"
                style={indent}
              >
                {line.row ? `${label} · ${t("questionnaire.row", { n: line.row })}` : label}
              </dt>
            );
          }
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: the lines are in form order and never move.
            <div key={i} className="contents" data-testid="review-answer">
              <dt className="text-gray-700" style={indent}>
                {label}
              </dt>
              <dd className="font-semibold text-gray-950">{textIn(line.value, locale)}</dd>
            </div>
          );
        })}
      </dl>
    </section>
  );
}
