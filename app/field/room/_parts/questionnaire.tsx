"use client";

import {
  Fragment,
  memo,
  type ReactNode,
  type RefObject,
  startTransition,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  useTransition,
} from "react";
import { type Locale, registerMessages, type Translate } from "@/domain/i18n";
import { questionnaireMessages } from "@/domain/i18n/questionnaire";
import { maskFieldValue } from "@/domain/mask";
import {
  type Answers,
  type AnswerValue,
  type Choice,
  cleanAnswers,
  type EvalContext,
  errorText,
  evaluateForm,
  type FieldError,
  type FormState,
  type Item,
  type Misfit,
  moveAnswers,
  type Question,
  type QuestionnaireDefinition,
  type Repeat,
  textIn,
  validateForm,
  walkItems,
} from "@/domain/questionnaire";
import { useI18n } from "../../../_components/i18n";
import type { Position } from "../../_lib/record";
import { Button, inputClass, Section } from "./ui";

// The questionnaire's own messages travel with this chunk: /field does not carry them otherwise.
registerMessages(questionnaireMessages);

/**
 * The campaign questionnaire at the door, drawn from its definition: groups as sections, repeats as
 * rows the officer adds (or as many as repeat_count says), relevance and calculations live as the
 * officer types, defaults filled in when a question first applies, and each answer's error under it
 * once the officer has touched it (every error after a refused save). Answers go to the room's draft
 * at every keystroke; checking and cleaning them for the save is answers.ts's, with the same code.
 *
 * This module is its own chunk (lazy-forms.tsx): the room page must not import it statically.
 */
export interface QuestionnaireFormProps {
  definition: QuestionnaireDefinition;
  title: string;
  version: number;
  /** The outcome says someone answered the door (or none is picked yet); otherwise it is not asked. */
  asked: boolean;
  answers: Answers;
  ctx: EvalContext;
  /** The visit's own position, which a geopoint question takes. */
  position: Position | null;
  /** A save was refused: show every error, touched or not. */
  showAll: boolean;
  /**
   * `edited`: the officer typed it (defaults filled in by the form are not). The form has drawn the
   * answers already: the room may take them in a transition.
   */
  onChange: (answers: Answers, edited: boolean) => void;
  /** Set while answers drawn here are on their way to onChange (its transition not yet committed). */
  pending?: RefObject<boolean>;
  /** The version in force, when the draft is answered in an older one (`definition` is that one). */
  newer?: { definition: QuestionnaireDefinition; version: number; title: string } | null;
  /** The officer chose to go on in the older version: its choice folds into one line. */
  kept?: boolean;
  onKeep?: () => void;
  /** The answers moved into `newer`, and those that did not fit. */
  onMove?: (answers: Answers, misfits: Misfit[], version: number) => void;
  /** Answers an earlier move could not carry, shown until dismissed. */
  misfits?: readonly Misfit[];
  onDismissMisfits?: () => void;
}

const keyOf = (name: string, at: readonly number[]) => `${name}@${at.join(".")}`;

/** Each item's enclosing repeats, outermost first. */
function repeatChains(def: QuestionnaireDefinition): Map<string, string[]> {
  const chains = new Map<string, string[]>();
  for (const { item, parents } of walkItems(def.survey)) {
    chains.set(
      item.name,
      parents.filter((p) => p.kind === "repeat").map((p) => p.name),
    );
  }
  return chains;
}

/** The answers with one value set at a row position, rows made as needed (never holes: JSON has no undefined). */
function setAt(
  answers: Answers,
  chain: readonly string[],
  at: readonly number[],
  name: string,
  value: AnswerValue,
): Answers {
  if (chain.length === 0) return { ...answers, [name]: value };
  const held = answers[chain[0]];
  const rows: Answers[] = Array.isArray(held) ? [...held] : [];
  while (rows.length <= at[0]) rows.push({});
  rows[at[0]] = setAt(rows[at[0]] ?? {}, chain.slice(1), at.slice(1), name, value);
  return { ...answers, [chain[0]]: rows };
}

/** The questions that start with an answer: a default, or (bound to the register) the register's value. */
function withDefaultsOf(def: QuestionnaireDefinition): Question[] {
  const out: Question[] = [];
  for (const { item } of walkItems(def.survey))
    if (item.kind === "question" && (item.defaultValue || item.defaultFormula || item.bind)) out.push(item);
  return out;
}

/** Defaults of the questions that apply and were never answered (a cleared answer stays cleared). */
function withDefaults(
  questions: readonly Question[],
  state: FormState,
  answers: Answers,
  chains: Map<string, string[]>,
): Answers | null {
  let next = answers;
  for (const item of questions) {
    const chain = chains.get(item.name) ?? [];
    for (const at of state.positions(chain)) {
      if (!state.relevant(item.name, at) || state.raw(item.name, at) !== undefined) continue;
      const value = state.defaultFor(item.name, at);
      if (value) next = setAt(next, chain, at, item.name, value);
    }
  }
  return next === answers ? null : next;
}

export function QuestionnaireForm(props: QuestionnaireFormProps) {
  const { t } = useI18n();
  if (!props.asked) {
    return (
      <Section title={t("questionnaire.heading", { title: props.title })} testId="questionnaire">
        <p className="text-base text-gray-700" data-testid="questionnaire-not-asked">
          {t("questionnaire.notAsked")}
        </p>
      </Section>
    );
  }
  return <AskedForm {...props} />;
}

function AskedForm(props: QuestionnaireFormProps) {
  const { definition, ctx } = props;
  const { t, locale } = useI18n();
  // The answers live here, not in the room: a keystroke redraws the questionnaire only, and the
  // room's draft (its record, its save bar, the draft write) follows in a transition, out of the
  // keystroke's way. Answers the room hands down that are not ours coming back (a restored draft, a
  // move to the new version) replace them; ours coming back, even late or out of date, never do.
  const [answers, setAnswers] = useState(props.answers);
  const [handed, setHanded] = useState(props.answers);
  const ours = useRef(new WeakSet<Answers>());
  if (props.answers !== handed) {
    setHanded(props.answers);
    if (!ours.current.has(props.answers)) setAnswers(props.answers);
  }
  // The transition's pending flag lives here, not in the room: setting it redraws its owner at once.
  const [sending, send] = useTransition();
  const { pending } = props;
  useEffect(() => {
    if (!pending) return;
    pending.current = sending;
    return () => {
      pending.current = false;
    };
  }, [pending, sending]);
  const onChange = useCallback(
    (next: Answers, edited: boolean) => {
      ours.current.add(next);
      setAnswers(next);
      const up = props.onChange;
      send(() => up(next, edited));
    },
    [props.onChange],
  );
  const chains = useMemo(() => repeatChains(definition), [definition]);
  const defaulted = useMemo(() => withDefaultsOf(definition), [definition]);
  const blocks = useMemo(() => blocksOf(definition.survey), [definition]);
  // One evaluation a keystroke: what is drawn and what is checked are the same state.
  const state = useMemo(() => evaluateForm(definition, answers, ctx), [definition, answers, ctx]);
  const errors = useMemo(() => {
    const byKey = new Map<string, FieldError>();
    for (const error of validateForm(state)) {
      const key = keyOf(error.name, error.at);
      if (!byKey.has(key)) byKey.set(key, error);
    }
    return byKey;
  }, [state]);
  const [touched, setTouched] = useState<ReadonlySet<string>>(() => new Set());
  // The first screenful of questions at once, the rest in a transition straight after (React draws
  // it in slices, between the officer's taps): the door's first questions do not wait for the whole
  // form, which with a 30-row repeat is hundreds of inputs.
  const [drawnBlocks, setDrawnBlocks] = useState(FIRST_BLOCKS);
  useEffect(() => {
    if (drawnBlocks < blocks.length) startTransition(() => setDrawnBlocks(blocks.length));
  }, [drawnBlocks, blocks.length]);

  useEffect(() => {
    if (defaulted.length === 0) return;
    const filled = withDefaults(defaulted, state, answers, chains);
    if (filled) onChange(filled, false);
  }, [defaulted, state, answers, chains, onChange]);

  // The same function every render, so a question whose own props did not change is not drawn
  // again (QuestionView is memoised): it reads the answers of the moment through a ref.
  const latest = useRef({ answers, onChange, chains });
  latest.current = { answers, onChange, chains };
  const set = useCallback((name: string, at: readonly number[], value: AnswerValue) => {
    setTouched((current) => (current.has(keyOf(name, at)) ? current : new Set(current).add(keyOf(name, at))));
    const now = latest.current;
    const next = setAt(now.answers, now.chains.get(name) ?? [], at, name, value);
    // Two keys within one render both count: the second builds on the first.
    now.answers = next;
    now.onChange(next, true);
  }, []);

  const view: View = {
    state,
    chains,
    locale,
    t,
    errorOf: (name, at) => {
      const error = errors.get(keyOf(name, at));
      return error && (props.showAll || touched.has(keyOf(name, at)))
        ? errorText(error, locale, t)
        : undefined;
    },
    set,
    position: props.position,
  };

  // Answers no question of this version takes (a draft begun on an older version): no field shows
  // them, so they are listed here, and dropped only when the officer says so — never silently.
  const strays = [...errors.values()].filter((error) => error.kind === "unknown");
  const { newer } = props;
  return (
    <Section
      title={t("questionnaire.heading", { title: props.title })}
      aside={
        newer && props.kept
          ? t("questionnaire.versionChoice.kept", { old: props.version, new: newer.version })
          : t("questionnaire.version", { version: props.version })
      }
      testId="questionnaire"
    >
      {newer && (
        <VersionChoice
          old={props.version}
          newer={newer.version}
          kept={!!props.kept}
          onKeep={() => props.onKeep?.()}
          onMove={() => {
            const moved = moveAnswers(definition, newer.definition, answers);
            props.onMove?.(moved.answers, moved.misfits, newer.version);
          }}
        />
      )}
      {props.misfits && props.misfits.length > 0 && (
        <Misfits
          misfits={props.misfits}
          version={props.version}
          onDismiss={() => props.onDismissMisfits?.()}
        />
      )}
      {strays.length > 0 && (
        <div
          role="alert"
          className="mb-3 rounded-lg border-2 border-red-700 bg-red-50 p-3"
          data-testid="q-strays"
        >
          <p className="text-base font-semibold text-red-900">
            {t("questionnaire.strays", { count: strays.length, version: props.version })}
          </p>
          <ul className="mb-2 list-disc pl-5 text-base text-red-900">
            {strays.map((error) => (
              <li key={keyOf(error.name, error.at)}>{error.name}</li>
            ))}
          </ul>
          <Button variant="danger" onClick={() => onChange(cleanAnswers(definition, answers, ctx), true)}>
            {t("questionnaire.dropStrays")}
          </Button>
        </div>
      )}
      <div className="flex flex-col gap-4">
        {blocks.slice(0, drawnBlocks).map((items) => (
          <Block key={items[0].name} items={items} at={ROOT} view={view} digest={digest(items, ROOT, view)} />
        ))}
      </div>
    </Section>
  );
}

/**
 * A draft begun in an older version while a newer one is in force: the officer goes on in the old one
 * (it saves in it, and the server takes it) or moves the answers to the new one by question name.
 */
function VersionChoice(props: {
  old: number;
  newer: number;
  kept: boolean;
  onKeep: () => void;
  onMove: () => void;
}) {
  const { t } = useI18n();
  const move = (
    <Button className="self-start" onClick={props.onMove} data-testid="q-version-move">
      {t("questionnaire.versionChoice.move", { new: props.newer })}
    </Button>
  );
  if (props.kept) return <div className="mb-3 flex">{move}</div>;
  return (
    <div
      role="status"
      className="mb-3 flex flex-col gap-2 rounded-lg border-2 border-status-revisit bg-amber-50 p-3"
      data-testid="q-version-choice"
    >
      <p className="text-lg font-semibold text-amber-950">
        {t("questionnaire.versionChoice.title", { new: props.newer })}
      </p>
      <p className="text-base text-gray-900">
        {t("questionnaire.versionChoice.body", { old: props.old, new: props.newer })}
      </p>
      <div className="flex flex-wrap gap-2">
        <Button variant="primary" onClick={props.onKeep} data-testid="q-version-keep">
          {t("questionnaire.versionChoice.keep", { old: props.old })}
        </Button>
        {move}
      </div>
    </div>
  );
}

const MISFIT_REASON = {
  gone: "questionnaire.misfits.gone",
  choiceGone: "questionnaire.misfits.choiceGone",
  typeChanged: "questionnaire.misfits.typeChanged",
} as const;

/** The answers a move could not carry, each with its old label, value and why. */
function Misfits(props: { misfits: readonly Misfit[]; version: number; onDismiss: () => void }) {
  const { t, locale } = useI18n();
  return (
    <div
      role="alert"
      className="mb-3 rounded-lg border-2 border-red-700 bg-red-50 p-3"
      data-testid="q-misfits"
    >
      <p className="text-base font-semibold text-red-900">
        {t("questionnaire.misfits.title", { count: props.misfits.length, version: props.version })}
      </p>
      <ul className="mb-2 list-disc pl-5 text-base text-red-950">
        {props.misfits.map((m) => (
          <li key={`${m.name}@${m.at.join(".")}:${m.reason}`} data-testid={`q-misfit-${m.name}`}>
            {t("questionnaire.misfits.item", {
              label: [
                textIn(m.label, locale) || m.name,
                ...m.at.map((i) => t("questionnaire.row", { n: i + 1 })),
              ].join(" · "),
              value: textIn(m.value, locale),
              reason: t(MISFIT_REASON[m.reason]),
            })}
          </li>
        ))}
      </ul>
      <Button onClick={props.onDismiss} data-testid="q-misfits-dismiss">
        {t("questionnaire.misfits.dismiss")}
      </Button>
    </div>
  );
}

interface View {
  state: FormState;
  chains: Map<string, string[]>;
  locale: Locale;
  t: Translate;
  errorOf: (name: string, at: readonly number[]) => string | undefined;
  set: (name: string, at: readonly number[], value: AnswerValue) => void;
  position: Position | null;
}

const ROOT: readonly number[] = [];

/** Top-level items in runs of this many, each drawn again only when something in it changed. */
const BLOCK_SIZE = 8;
/** Blocks drawn with the form's first render (a phone screen holds fewer questions than these). */
const FIRST_BLOCKS = 2;

function blocksOf(items: readonly Item[]): (readonly Item[])[] {
  const out: (readonly Item[])[] = [];
  for (let i = 0; i < items.length; i += BLOCK_SIZE) out.push(items.slice(i, i + BLOCK_SIZE));
  return out;
}

/**
 * Everything a run of items shows, as one text: what ItemView, QuestionItem and RepeatView read from
 * the state and the view, item by item (rows of a repeat within, recursively). A Block whose digest
 * is unchanged is not drawn again, so a keystroke redraws the block or row it changed (and those
 * whose relevance, labels, errors or sums it changed), not the 30 rows of a repeat.
 */
function digest(items: readonly Item[], at: readonly number[], view: View): string {
  const { state, locale } = view;
  let out = "";
  for (const item of items) {
    if (item.kind === "repeat") {
      const rows = state.rows(item.name, at);
      const held = state.raw(item.name, at);
      out += `R${rows}:${Array.isArray(held) ? held.length : -1}:`;
      if (rows === 0 && !item.count) out += repeatOffered(item, at, view) ? "+" : "-";
      for (let i = 0; i < rows; i++) {
        const row = [...at, i];
        out += state.relevant(item.name, row) ? `[${digest(item.children, row, view)}]` : "x";
      }
      continue;
    }
    if (!state.relevant(item.name, at)) {
      out += "\u0002";
      continue;
    }
    out += `${state.fill(textIn(item.label, locale), item.name, at)}\u0001`;
    if (item.kind === "group") {
      out += `{${digest(item.children, at, view)}}`;
      continue;
    }
    if (item.type === "calculate") continue;
    const raw = state.raw(item.name, at);
    const value = typeof raw === "string" ? raw : "";
    out += `${value}\u0001${view.errorOf(item.name, at) ?? ""}\u0001${state.required(item.name, at)}${state.readOnly(item.name, at)}`;
    if (item.hint) out += `\u0001${state.fill(textIn(item.hint, locale), item.name, at)}`;
    if (item.choiceFilter) out += `\u0001${state.choices(item.name, at).map((c) => c.name)}`;
    if (item.bind) out += `\u0001${boundNote(item, at, value, view)}`;
    if (item.type === "geopoint" && view.position)
      out += `\u0001${view.position.lat},${view.position.lng},${view.position.accuracyM}`;
    out += "\u0002";
  }
  return out;
}

interface BlockProps {
  items: readonly Item[];
  at: readonly number[];
  view: View;
  digest: string;
}

/** Items drawn again only when their digest changed; `view` is then the current one. */
const Block = memo(
  function Block({ items, at, view }: BlockProps) {
    return <Items items={items} at={at} view={view} />;
  },
  (a, b) => a.digest === b.digest && a.items === b.items && sameList(a.at, b.at) && a.view.t === b.view.t,
);

function Items({ items, at, view }: { items: readonly Item[]; at: readonly number[]; view: View }) {
  return (
    <>
      {items.map((item) => (
        <Fragment key={item.name}>
          <ItemView item={item} at={at} view={view} />
        </Fragment>
      ))}
    </>
  );
}

function ItemView({ item, at, view }: { item: Item; at: readonly number[]; view: View }) {
  const { state, locale } = view;
  if (item.kind === "repeat") return <RepeatView repeat={item} at={at} view={view} />;
  if (!state.relevant(item.name, at)) return null;
  const label = state.fill(textIn(item.label, locale), item.name, at);
  if (item.kind === "group") {
    return (
      <fieldset
        className="flex flex-col gap-4 rounded-lg border-2 border-gray-200 p-3"
        data-testid={`q-group-${item.name}`}
      >
        {label && <legend className="px-1 text-lg font-bold text-gray-900">{label}</legend>}
        <Items items={item.children} at={at} view={view} />
      </fieldset>
    );
  }
  return <QuestionItem q={item} at={at} label={label} view={view} />;
}

const NO_CHOICES: readonly Choice[] = [];

/**
 * What one question shows, worked out from the state: plain values, so the memoised QuestionView
 * below draws again only the questions a keystroke changed (the answer typed, an error, a label
 * that quotes it), not the whole form.
 */
function QuestionItem({
  q,
  at,
  label,
  view,
}: {
  q: Question;
  at: readonly number[];
  label: string;
  view: View;
}) {
  const { state, locale } = view;
  if (q.type === "calculate") return null;
  const raw = state.raw(q.name, at);
  const value = typeof raw === "string" ? raw : "";
  const select = q.type === "select_one" || q.type === "select_multiple";
  return (
    <QuestionView
      q={q}
      at={at}
      label={label}
      hint={q.hint ? state.fill(textIn(q.hint, locale), q.name, at) : ""}
      value={value}
      error={view.errorOf(q.name, at)}
      required={state.required(q.name, at)}
      readOnly={state.readOnly(q.name, at)}
      choices={select ? state.choices(q.name, at) : NO_CHOICES}
      bound={q.bind ? boundNote(q, at, value, view) : undefined}
      position={q.type === "geopoint" ? view.position : null}
      set={view.set}
    />
  );
}

function RepeatView({ repeat, at, view }: { repeat: Repeat; at: readonly number[]; view: View }) {
  const { state, t, locale } = view;
  // A repeat's rows are its own positions: relevance is asked of each row.
  const rows = state.rows(repeat.name, at);
  const label = textIn(repeat.label, locale);
  const anyRelevant = Array.from({ length: rows }, (_, i) => state.relevant(repeat.name, [...at, i])).some(
    Boolean,
  );
  const canAdd = !repeat.count && (rows > 0 ? anyRelevant : repeatOffered(repeat, at, view));
  if (rows === 0 && !canAdd) return null;
  const current = state.raw(repeat.name, at);
  const held = Array.isArray(current) ? (current as Answers[]) : [];
  return (
    <div className="flex flex-col gap-3" data-testid={`q-repeat-${repeat.name}`}>
      <h3 className="text-lg font-bold text-gray-900">{label}</h3>
      {Array.from({ length: rows }, (_, i) => {
        const row = [...at, i];
        if (!state.relevant(repeat.name, row)) return null;
        return (
          <fieldset
            // biome-ignore lint/suspicious/noArrayIndexKey: a row is its position, as the answers hold it.
            key={i}
            // Rows off screen are neither laid out nor painted (content-visibility): a 30-row repeat
            // would otherwise be laid out again whole at every keystroke that changes a height. Only
            // the height is guessed: a guessed width (contain-intrinsic-size) became the skipped row's
            // min-content width, which a fieldset will not shrink below, and the page 850 px wide.
            className="flex min-w-0 flex-col gap-3 rounded-lg border-2 border-gray-300 p-3 [contain-intrinsic-block-size:auto_50rem] [content-visibility:auto]"
            data-testid={`q-row-${repeat.name}`}
          >
            <legend className="px-1 text-base font-semibold">
              {label} · {t("questionnaire.row", { n: i + 1 })}
            </legend>
            <Block items={repeat.children} at={row} view={view} digest={digest(repeat.children, row, view)} />
            {!repeat.count && (
              <Button
                variant="danger"
                className="self-start"
                onClick={() =>
                  view.set(
                    repeat.name,
                    at,
                    held.filter((_, j) => j !== i),
                  )
                }
              >
                {t("questionnaire.removeRow", { n: i + 1 })}
              </Button>
            )}
          </fieldset>
        );
      })}
      {canAdd && (
        <Button className="self-start" onClick={() => view.set(repeat.name, at, [...held, {}])}>
          + {t("questionnaire.addRow", { label })}
        </Button>
      )}
    </div>
  );
}

/**
 * Whether an open-ended repeat with no rows yet applies: asked of the evaluator with one empty row
 * added (the same rules, no copy of them here), so its first row is offered only when it would show.
 */
const offeredRows = new WeakMap<FormState, Map<string, boolean>>();

function repeatOffered(repeat: Repeat, at: readonly number[], view: View): boolean {
  const { state } = view;
  // Asked by the digest and by the drawing of the same state: worked out once.
  let known = offeredRows.get(state);
  if (!known) {
    known = new Map();
    offeredRows.set(state, known);
  }
  const key = keyOf(repeat.name, at);
  const cached = known.get(key);
  if (cached !== undefined) return cached;
  const offered = trialOffered(repeat, at, view);
  known.set(key, offered);
  return offered;
}

function trialOffered(repeat: Repeat, at: readonly number[], view: View): boolean {
  const { state } = view;
  const chain = view.chains.get(repeat.name) ?? [];
  const trial = evaluateForm(
    state.definition,
    setAt(state.answers, chain, at, repeat.name, [{}]),
    state.context,
  );
  return trial.relevant(repeat.name, [...at, 0]);
}

/**
 * Under a question bound to the register: that it checks the register (null), and once the answer
 * differs, the register's value (masked as the room's cards show it), which saving sends as a
 * correction for review — the officer should know an answer here changes the register. undefined
 * when the visit has no row for the binding.
 */
function boundNote(q: Question, at: readonly number[], value: string, view: View): string | null | undefined {
  const { state, t, locale } = view;
  const bound = state.context.bound;
  if (!bound || !Object.hasOwn(bound, q.name)) return undefined;
  const held = bound[q.name] ?? "";
  if (value.trim() === "" || value.trim() === held) return null;
  const choice = state.choices(q.name, at).find((c) => c.name === held);
  // Masked as the room's cards show the register (a phone, an address): the input holds it in full.
  return held === ""
    ? t("questionnaire.bound.blank")
    : choice
      ? textIn(choice.label, locale)
      : String(maskFieldValue(q.bind?.field ?? "", held));
}

function BoundNote({ name, shown }: { name: string; shown: string | null }) {
  const { t } = useI18n();
  if (shown === null) {
    return (
      <span className="text-sm text-gray-700" data-testid={`q-bound-${name}`}>
        {t("questionnaire.bound.same")}
      </span>
    );
  }
  return (
    <span className="text-sm font-medium text-amber-900" data-testid={`q-bound-${name}`}>
      {t("questionnaire.bound.changed", { value: shown })}
    </span>
  );
}

/** A question's label, input, hint and error, the error tied to the input for screen readers. */
function Shell({
  label,
  htmlFor,
  hint,
  error,
  children,
}: {
  label: string;
  htmlFor?: string;
  hint?: ReactNode;
  error: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="flex flex-col gap-1">
      {htmlFor ? (
        <label htmlFor={htmlFor} className="text-base font-medium text-gray-900">
          {label}
        </label>
      ) : (
        <span className="text-base font-medium text-gray-900">{label}</span>
      )}
      {children}
      {hint}
      {error}
    </div>
  );
}

interface QuestionViewProps {
  q: Question;
  at: readonly number[];
  label: string;
  hint: string;
  value: string;
  error: string | undefined;
  required: boolean;
  readOnly: boolean;
  choices: readonly Choice[];
  /** boundNote's: undefined no note, null the register's value kept, text the register's value. */
  bound: string | null | undefined;
  position: Position | null;
  set: View["set"];
}

const sameList = <T,>(a: readonly T[], b: readonly T[]) =>
  a === b || (a.length === b.length && a.every((x, i) => x === b[i]));

/** Equal when every prop is: the row position and a filtered choice list compared by their items. */
function sameQuestion(a: QuestionViewProps, b: QuestionViewProps): boolean {
  for (const key of Object.keys(a) as (keyof QuestionViewProps)[]) {
    if (key === "at" || key === "choices") {
      if (!sameList<unknown>(a[key], b[key])) return false;
    } else if (a[key] !== b[key]) return false;
  }
  return true;
}

const QuestionView = memo(function QuestionView({
  q,
  at,
  label,
  hint,
  value,
  error,
  required,
  readOnly,
  choices,
  bound,
  position,
  set,
}: QuestionViewProps) {
  const { t, locale } = useI18n();
  const id = `q-${q.name}-${at.join("-")}`;
  if (q.type === "note") {
    return (
      <p className="rounded-lg bg-sky-50 p-3 text-base text-gray-900" data-testid={`q-${q.name}`}>
        {label}
      </p>
    );
  }
  const shownLabel = required ? `${label} *` : label;
  const describedBy = error ? `${id}-error` : undefined;
  const common = {
    id,
    "aria-invalid": error ? true : undefined,
    "aria-required": required || undefined,
    "aria-describedby": describedBy,
    disabled: readOnly,
    "data-testid": `q-${q.name}`,
  };
  const onText = (text: string) => set(q.name, at, text);
  const boundText = bound === undefined ? null : <BoundNote name={q.name} shown={bound} />;
  const hintNode =
    hint || boundText ? (
      <>
        {hint ? <span className="text-sm text-gray-700">{hint}</span> : null}
        {boundText}
      </>
    ) : undefined;
  const errorNode = error ? (
    <span id={describedBy} className="text-base font-medium text-red-800" role="alert">
      {error}
    </span>
  ) : null;

  if (q.type === "select_one" || q.type === "select_multiple") {
    if (q.appearance === "minimal" && q.type === "select_one") {
      return (
        <Shell label={shownLabel} htmlFor={id} error={errorNode} hint={hintNode}>
          <select {...common} value={value} onChange={(e) => onText(e.target.value)} className={inputClass}>
            <option value="">{t("questionnaire.choose")}</option>
            {choices.map((c) => (
              <option key={c.name} value={c.name}>
                {textIn(c.label, locale)}
              </option>
            ))}
          </select>
        </Shell>
      );
    }
    const picked = new Set(value.split(" ").filter(Boolean));
    const multiple = q.type === "select_multiple";
    return (
      <fieldset
        className="flex flex-col gap-1"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        data-testid={`q-${q.name}`}
      >
        <legend className="mb-1 text-base font-medium text-gray-900">{shownLabel}</legend>
        {hintNode}
        <div className={q.appearance === "horizontal" ? "flex flex-wrap gap-2" : "flex flex-col gap-2"}>
          {choices.map((c) => {
            const checked = picked.has(c.name);
            return (
              <label
                key={c.name}
                className={`flex min-h-11 items-center gap-3 rounded-lg border-2 px-3 text-lg ${
                  checked ? "border-brand bg-sky-50" : "border-gray-300 bg-white"
                }`}
              >
                <input
                  type={multiple ? "checkbox" : "radio"}
                  name={id}
                  className="h-5 w-5 shrink-0"
                  checked={checked}
                  disabled={readOnly}
                  onChange={() => {
                    if (!multiple) return onText(c.name);
                    const next = new Set(picked);
                    if (checked) next.delete(c.name);
                    else next.add(c.name);
                    // In the list's order, as XLSForm writes a multiple choice.
                    onText(
                      choices
                        .map((choice) => choice.name)
                        .filter((name) => next.has(name))
                        .join(" "),
                    );
                  }}
                />
                <span>{textIn(c.label, locale)}</span>
              </label>
            );
          })}
        </div>
        {errorNode}
      </fieldset>
    );
  }

  if (q.type === "acknowledge") {
    return (
      <div className="flex flex-col gap-1">
        <label className="flex min-h-11 items-center gap-3 text-lg">
          <input
            {...common}
            type="checkbox"
            className="h-6 w-6 shrink-0"
            checked={value === "OK"}
            onChange={(e) => onText(e.target.checked ? "OK" : "")}
          />
          <span>{shownLabel}</span>
        </label>
        {hintNode}
        {errorNode}
      </div>
    );
  }

  if (q.type === "geopoint") {
    const p = position;
    const [lat, lng, , accuracy] = value.split(" ");
    return (
      <Shell label={shownLabel} error={errorNode} hint={hintNode}>
        {value && (
          <p className="text-base text-gray-900" data-testid={`q-${q.name}`}>
            {t("questionnaire.geopoint.value", { lat, lng, accuracy: accuracy ?? "—" })}
          </p>
        )}
        {p ? (
          <Button
            className="self-start"
            disabled={readOnly}
            onClick={() => onText(`${p.lat} ${p.lng} 0 ${p.accuracyM}`)}
          >
            {t("questionnaire.geopoint.use")}
          </Button>
        ) : (
          <p className="text-sm text-gray-700">{t("questionnaire.geopoint.none")}</p>
        )}
      </Shell>
    );
  }

  if (q.type === "image") {
    return (
      <Shell label={shownLabel} error={errorNode}>
        <p className="text-sm text-gray-700">{t("questionnaire.image.notDone")}</p>
      </Shell>
    );
  }

  const kind = {
    text: { type: "text" },
    integer: { type: "text", inputMode: "numeric" },
    decimal: { type: "text", inputMode: "decimal" },
    date: { type: "date" },
    phone: { type: "tel", inputMode: "tel", autoComplete: "off" },
    citizen_id: { type: "text", autoCapitalize: "characters", autoComplete: "off" },
  }[q.type as "text"] as { type: string; inputMode?: "numeric" | "decimal" | "tel"; autoComplete?: string };
  return (
    <Shell label={shownLabel} htmlFor={id} error={errorNode} hint={hintNode}>
      {q.type === "text" && q.appearance === "multiline" ? (
        <textarea
          {...common}
          value={value}
          rows={3}
          onChange={(e) => onText(e.target.value)}
          className={`${inputClass} py-2`}
        />
      ) : (
        <input
          {...common}
          {...kind}
          value={value}
          onChange={(e) => onText(e.target.value)}
          className={inputClass}
        />
      )}
    </Shell>
  );
}, sameQuestion);
