"use client";

import { lazy, Suspense, useCallback, useMemo, useState } from "react";
import { answerOfRegister } from "@/domain/questionnaire/bind";
import { offeredChoices, type QuestionnaireDefinition, walkItems } from "@/domain/questionnaire/definition";
import type { Answers, EvalContext, RegisterValue } from "@/domain/questionnaire/evaluate";
import { Loading } from "../../../_components/controls";

// The phone's own renderer, in its own chunk as on the phone: what the administrator previews is what
// officers will see, not a copy of it.
const QuestionnaireForm = lazy(() =>
  import("../../../field/room/_parts/questionnaire").then((m) => ({ default: m.QuestionnaireForm })),
);

/**
 * Register values the preview's ${register.…} and bound questions read: one made-up older resident on
 * low income, so skip logic over age or the register shows a branch. Sample data, never a real row.
 */
const SAMPLE_REGISTER: Record<string, RegisterValue> = {
  name: "张秀英",
  gender: "2",
  birthDate: "1950-03-14",
  phone: "13800138000",
  currentAddress: "示例路 1 号 101 室",
  householdNo: "440104000001",
  relation: "02",
  kind: "1",
  lowIncome: true,
  fiveGuarantee: false,
  occupants: 2,
};

/** The bound questions' first answers, from the sample register (as the phone takes the real row's). */
function sampleBound(def: QuestionnaireDefinition): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const { item } of walkItems(def.survey)) {
    if (item.kind !== "question" || !item.bind) continue;
    const list = item.list ? def.lists.find((l) => l.name === item.list)?.choices : undefined;
    out[item.name] = answerOfRegister(
      item.bind,
      item.type,
      list ? offeredChoices(item, list) : undefined,
      SAMPLE_REGISTER[item.bind.field],
    );
  }
  return out;
}

/**
 * A draft questionnaire in a phone-sized frame (390 px, a common phone's width) with the phone's
 * renderer: the administrator answers it as an officer would, skip logic, constraints and all.
 * Answers live in this component's state only: nothing is saved or sent.
 */
export function QuestionnairePreview(props: {
  definition: QuestionnaireDefinition;
  title: string;
  version: number;
}) {
  const { definition } = props;
  const [answers, setAnswers] = useState<Answers>({});
  const ctx = useMemo<EvalContext>(
    () => ({ now: new Date(), register: SAMPLE_REGISTER, bound: sampleBound(definition) }),
    [definition],
  );
  const onChange = useCallback((next: Answers) => setAnswers(next), []);
  return (
    <div
      className="h-[640px] w-[390px] max-w-full shrink-0 overflow-y-auto rounded-[2rem] border-[10px] border-gray-800 bg-gray-50 p-3 shadow-inner"
      data-testid="questionnaire-preview"
    >
      <Suspense fallback={<Loading />}>
        <QuestionnaireForm
          definition={definition}
          title={props.title}
          version={props.version}
          asked
          answers={answers}
          ctx={ctx}
          position={null}
          db={null}
          showAll={false}
          onChange={onChange}
        />
      </Suspense>
    </div>
  );
}
