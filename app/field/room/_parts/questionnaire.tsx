"use client";

import {
  memo,
  type ReactNode,
  startTransition,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
} from "react";
import { type Locale, registerMessages, type Translate } from "@/domain/i18n";
import { questionnaireMessages } from "@/domain/i18n/questionnaire";
import { maskFieldValue } from "@/domain/mask";
import { chinaDay } from "@/domain/progress";
import {
  type Answers,
  type AnswerValue,
  type Choice,
  cellKey,
  cleanAnswers,
  type EvalContext,
  errorText,
  evaluateForm,
  type Item,
  type Misfit,
  moveAnswers,
  type Question,
  type QuestionnaireDefinition,
  type Repeat,
  setAnswer,
  textIn,
} from "@/domain/questionnaire";
import { useI18n } from "../../../_components/i18n";
import type { Position } from "../../_lib/record";
import type { FieldDatabase } from "../../_lib/store";
import { PhotoPicker } from "./photo";
import { FormStore } from "./questionnaire-store";
import { Button, inputClass, Section } from "./ui";

// The questionnaire's own messages travel with this chunk: /field does not carry them otherwise.
registerMessages(questionnaireMessages);

/**
 * The campaign questionnaire at the door, drawn from its definition: groups as sections, repeats as
 * rows the officer adds (or as many as repeat_count says), relevance and calculations live as the
 * officer types, defaults filled in when a question first applies, and each answer's error under it
 * once the officer has touched it (every error after a refused save). Answers are handed to the room
 * at every keystroke (it stages them for its draft); checking and cleaning them for the save is
 * answers.ts's, with the same code.
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
  /** The phone's store, which an image question's photo is kept in until it is uploaded. */
  db: FieldDatabase | null;
  /** A save was refused: show every error, touched or not. */
  showAll: boolean;
  /**
   * `edited`: the officer typed it (defaults filled in by the form are not). The form has drawn the
   * answers already: the room may take them in a transition.
   */
  onChange: (answers: Answers, edited: boolean) => void;
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

const keyOf = cellKey;

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

const sameRecord = (a: Readonly<Record<string, unknown>> | undefined, b: typeof a) =>
  a === b ||
  (!!a &&
    !!b &&
    Object.keys(a).length === Object.keys(b).length &&
    Object.keys(a).every((k) => a[k] === b[k]));

/**
 * Contexts the form evaluates the same in: the same day, register and bound values. The room makes
 * a new one when the draft first takes answers (its version is set then); remaking the store for it
 * would draw the whole form again in the middle of the officer's first keystroke.
 */
const sameContext = (a: EvalContext, b: EvalContext) =>
  a === b ||
  (chinaDay(a.now) === chinaDay(b.now) && sameRecord(a.register, b.register) && sameRecord(a.bound, b.bound));

function AskedForm(props: QuestionnaireFormProps) {
  const { definition, ctx } = props;
  const { t, locale } = useI18n();
  // The answers live in the form's store, not in the room: a keystroke redraws the questions it
  // changed only (questionnaire-store.ts), and the room's draft (its record, its save bar, the draft
  // write) follows in a transition, out of the keystroke's way. Answers the room hands down that are
  // not ours coming back (a restored draft, a move to the new version) replace them; ours coming
  // back, even late or out of date, never do.
  const make = (answers: Answers) => new FormStore(definition, answers, ctx, props.position);
  const [store, setStore] = useState(() => make(props.answers));
  const [handed, setHanded] = useState(props.answers);
  const ours = useRef(new WeakSet<Answers>());
  if (props.answers !== handed) {
    setHanded(props.answers);
    if (!ours.current.has(props.answers)) setStore(make(props.answers));
  } else if (store.definition !== definition || !sameContext(store.ctx, ctx)) {
    setStore(make(store.answers));
  }
  // Rows made again (added, taken away) may change the notices below: drawn again then only.
  useSyncExternalStore(
    useCallback((listener: () => void) => store.subscribeAll(listener), [store]),
    () => store.epochNow(),
  );
  // Handed on as a transition: the room stages them (no drawing); a screen that keeps them in its
  // state (the supervisor's preview) draws them after the question. No pending flag: setting one
  // drew this form twice more at every keystroke.
  const up = useRef(props.onChange);
  up.current = props.onChange;
  const handOn = useCallback((next: Answers, edited: boolean) => {
    ours.current.add(next);
    const onChange = up.current;
    startTransition(() => onChange(next, edited));
  }, []);
  // Defaults the store filled in as it was made are the room's too (not typed: not `edited`).
  useEffect(() => {
    if (store.answers !== handed && !ours.current.has(store.answers)) handOn(store.answers, false);
  }, [store, handed, handOn]);

  const blocks = useMemo(() => blocksOf(definition.survey), [definition]);
  // The first screenful of questions at once, the rest in a transition straight after (React draws
  // it in slices, between the officer's taps): the door's first questions do not wait for the whole
  // form, which with a 30-row repeat is hundreds of inputs.
  const [drawnBlocks, setDrawnBlocks] = useState(FIRST_BLOCKS);
  useEffect(() => {
    if (drawnBlocks < blocks.length) startTransition(() => setDrawnBlocks(blocks.length));
  }, [drawnBlocks, blocks.length]);

  const set = useCallback(
    (name: string, at: readonly number[], value: AnswerValue) => handOn(store.set(name, at, value), true),
    [store, handOn],
  );
  const { showAll } = props;
  // One view for as long as the store, the language and the save's verdict stay: the questions are
  // memoised on it, and each follows its own place in the store.
  const view = useMemo<View>(
    () => ({
      store,
      locale,
      t,
      errorOf: (name, at) => {
        const key = keyOf(name, at);
        const error = showAll || store.touched.has(key) ? store.state.errorAt(name, at) : undefined;
        return error ? errorText(error, locale, t) : undefined;
      },
      set,
      db: props.db,
    }),
    [store, locale, t, showAll, set, props.db],
  );
  // The visit's position, for geopoint questions only: a new fix redraws those, not the form.
  const position = props.position;
  useEffect(() => {
    store.setPosition(position);
  }, [store, position]);

  const { state } = store;
  const answers = store.answers;
  // Answers no question of this version takes (a draft begun on an older version): no field shows
  // them, so they are listed here, and dropped only when the officer says so — never silently.
  const strays = state.strays();
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
          <Button
            variant="danger"
            onClick={() => handOn(store.replace(cleanAnswers(definition, answers, ctx)), true)}
          >
            {t("questionnaire.dropStrays")}
          </Button>
        </div>
      )}
      <div className="flex flex-col gap-4">
        {blocks.slice(0, drawnBlocks).map((items) => (
          // Each run of questions is laid out, styled and painted only near the screen
          // (content-visibility): the form's first drawing and a keystroke that moves what is below
          // it (an error shown) skip the runs out of view. Only the height is guessed (as the
          // repeat's rows do), and once drawn a run keeps its own ("auto").
          <div
            key={items[0].name}
            className="flex min-w-0 flex-col gap-4 [contain-intrinsic-block-size:auto_50rem] [content-visibility:auto]"
          >
            <Block items={items} at={ROOT} view={view} />
          </div>
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
  store: FormStore;
  locale: Locale;
  t: Translate;
  errorOf: (name: string, at: readonly number[]) => string | undefined;
  set: (name: string, at: readonly number[], value: AnswerValue) => void;
  db: FieldDatabase | null;
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
 * Draws the item (a question, a group, a repeat under its parent row) again when the store says its
 * place may look different: the keystroke's answer, what follows it, what reads it. A typed question
 * is drawn again only when what it shows did change (typedShown): its input draws the answer itself,
 * so most keystrokes in it draw nothing, not even a render that finds nothing changed.
 */
function usePlace(view: View, item: Item, at: readonly number[]): void {
  const { store } = view;
  const { name } = item;
  const cell = keyOf(name, at);
  const typed = item.kind === "question" && TYPED.has(item.type);
  /** The snapshot handed to React (`token`), and at which version and view it was worked out. */
  const seen = useRef<{ version: string; view: View; shown: string | null; token: string } | null>(null);
  useSyncExternalStore(
    useCallback((listener: () => void) => store.subscribe(name, cell, listener), [store, name, cell]),
    () => {
      const version = store.version(name, cell);
      if (!typed) return version;
      const known = seen.current;
      // Asked more than once per telling: worked out once.
      if (known && known.version === version && known.view === view) return known.token;
      // Drawn for the first time, or with another view: drawn whatever it shows, nothing to compare
      // with yet (so the form's first drawing works out nothing more than it draws).
      if (!known || known.view !== view) {
        seen.current = { version, view, shown: null, token: version };
        return version;
      }
      const shown = typedShown(view, item as Question, at);
      const token = shown === known.shown ? known.token : version;
      seen.current = { version, view, shown, token };
      return token;
    },
  );
}

/**
 * What a typed question draws (ItemView, QuestionItem), as one text, its answer aside (TypedInput
 * draws that): the question draws again when this changes.
 */
function typedShown(view: View, q: Question, at: readonly number[]): string {
  const { store, locale } = view;
  const { state } = store;
  if (!state.relevant(q.name, at)) return "";
  return [
    state.fill(textIn(q.label, locale), q.name, at),
    q.hint ? state.fill(textIn(q.hint, locale), q.name, at) : "",
    view.errorOf(q.name, at) ?? "",
    state.required(q.name, at),
    state.readOnly(q.name, at),
    q.bind ? (JSON.stringify(boundNote(q, at, answerText(store, q.name, at), view)) ?? "-") : "",
  ].join("\u0000");
}

interface BlockProps {
  items: readonly Item[];
  at: readonly number[];
  view: View;
}

const sameBlock = (a: BlockProps, b: BlockProps) =>
  a.items === b.items && sameList(a.at, b.at) && a.view === b.view;

interface ItemProps {
  item: Item;
  at: readonly number[];
  view: View;
}

const sameItem = (a: ItemProps, b: ItemProps) =>
  a.item === b.item && sameList(a.at, b.at) && a.view === b.view;

/** A run of items: drawn again only with a new view; each item follows its own place. */
const Block = memo(function Block({ items, at, view }: BlockProps) {
  return (
    <>
      {items.map((item) => (
        <ItemView key={item.name} item={item} at={at} view={view} />
      ))}
    </>
  );
}, sameBlock);

const ItemView = memo(function ItemView({ item, at, view }: ItemProps) {
  usePlace(view, item, at);
  const { state } = view.store;
  const { locale } = view;
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
        <Block items={item.children} at={at} view={view} />
      </fieldset>
    );
  }
  return <QuestionItem q={item} at={at} label={label} view={view} />;
}, sameItem);

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
  const { locale, store } = view;
  const { state } = store;
  if (q.type === "calculate") return null;
  const value = answerText(store, q.name, at);
  const select = q.type === "select_one" || q.type === "select_multiple";
  return (
    <QuestionView
      q={q}
      at={at}
      label={label}
      hint={q.hint ? state.fill(textIn(q.hint, locale), q.name, at) : ""}
      // A typed answer is drawn by its input itself (TypedInput): the view does not change with it.
      value={TYPED.has(q.type) ? "" : value}
      error={view.errorOf(q.name, at)}
      required={state.required(q.name, at)}
      readOnly={state.readOnly(q.name, at)}
      choices={select ? state.choices(q.name, at) : NO_CHOICES}
      bound={q.bind ? boundNote(q, at, value, view) : undefined}
      position={q.type === "geopoint" ? store.position : null}
      db={q.type === "image" ? view.db : null}
      store={store}
      set={view.set}
    />
  );
}

/** The answer at a place as its input shows it: "" when absent (or rows). */
function answerText(store: FormStore, name: string, at: readonly number[]): string {
  const raw = store.state.raw(name, at);
  return typeof raw === "string" ? raw : "";
}

/** Questions answered by typing into an input (TypedInput); the others are tapped. */
const TYPED: ReadonlySet<string> = new Set(["text", "integer", "decimal", "date", "phone", "citizen_id"]);

interface TypedInputProps {
  store: FormStore;
  name: string;
  at: readonly number[];
  multiline: boolean;
  onText: (text: string) => void;
  disabled: boolean;
  /** The input's attributes (HTML names): undefined leaves one out. */
  attributes: Readonly<Record<string, string | undefined>>;
}

/**
 * A typed answer's input, made outside React and left to the browser as the officer types: a
 * keystroke draws nothing of the question and writes nothing into the input. React's own input, even
 * uncontrolled, set its name and type again at every key (restoring "controlled state" after each
 * change event), and a controlled one also drew the question and wrote the value and its attribute
 * back (bench:questionnaire-phone). The question's attributes (its error's aria-*, its being read
 * only) are set when the question draws; an answer that comes from elsewhere — a default filled in,
 * a draft restored, the store made again — is put into the input from the store when its place is
 * told.
 */
const TypedInput = memo(function TypedInput({
  store,
  name,
  at,
  multiline,
  onText,
  disabled,
  attributes,
}: TypedInputProps) {
  const host = useRef<HTMLSpanElement>(null);
  const field = useRef<HTMLInputElement | HTMLTextAreaElement | null>(null);
  const typed = useRef(onText);
  typed.current = onText;
  const cell = keyOf(name, at);
  useLayoutEffect(() => {
    const input = document.createElement(multiline ? "textarea" : "input");
    input.addEventListener("input", () => typed.current(input.value));
    host.current?.append(input);
    field.current = input;
    return () => {
      input.remove();
      field.current = null;
    };
  }, [multiline]);
  useLayoutEffect(() => {
    const input = field.current;
    if (!input) return;
    for (const [key, value] of Object.entries(attributes)) {
      if (value === undefined) input.removeAttribute(key);
      else if (input.getAttribute(key) !== value) input.setAttribute(key, value);
    }
    input.disabled = disabled;
  }, [attributes, disabled]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `cell` is `at`'s key; `multiline` makes the input again.
  useLayoutEffect(() => {
    const sync = () => {
      const input = field.current;
      const value = answerText(store, name, at);
      if (input && input.value !== value) input.value = value;
    };
    sync();
    return store.subscribe(name, cell, sync);
  }, [store, name, cell, multiline]);
  // Laid out as the input itself (display: contents): the question's column holds the input.
  return <span ref={host} className="contents" />;
});

function RepeatView({ repeat, at, view }: { repeat: Repeat; at: readonly number[]; view: View }) {
  const { t, locale, store } = view;
  const { state } = store;
  // A repeat's rows are its own positions: relevance is asked of each row.
  const rows = state.rows(repeat.name, at);
  const label = textIn(repeat.label, locale);
  const anyRelevant = Array.from({ length: rows }, (_, i) => state.relevant(repeat.name, [...at, i])).some(
    Boolean,
  );
  const canAdd = !repeat.count && (rows > 0 ? anyRelevant : repeatOffered(repeat, at, view));
  if (rows === 0 && !canAdd) return null;
  // The rows as given when tapped (the store's of the moment, not this render's).
  const held = () => {
    const current = store.state.raw(repeat.name, at);
    return Array.isArray(current) ? (current as Answers[]) : [];
  };
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
            <Block items={repeat.children} at={row} view={view} />
            {!repeat.count && (
              <Button
                variant="danger"
                className="self-start"
                onClick={() =>
                  view.set(
                    repeat.name,
                    at,
                    held().filter((_, j) => j !== i),
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
        <Button className="self-start" onClick={() => view.set(repeat.name, at, [...held(), {}])}>
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
function repeatOffered(repeat: Repeat, at: readonly number[], view: View): boolean {
  const { state, chains } = view.store;
  const trial = evaluateForm(
    state.definition,
    setAnswer(state.answers, chains.get(repeat.name) ?? [], at, repeat.name, [{}]),
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
  const { t, locale } = view;
  const { state } = view.store;
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
  /** An image question's: the store its photo is kept in. */
  db: FieldDatabase | null;
  /** The form's store, which a typed answer's input reads its answer from (TypedInput). */
  store: FormStore;
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
  db,
  store,
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
    // Answered with the photo's name (its SHA-256): the photo itself goes up before the visit.
    return (
      <Shell label={shownLabel} error={errorNode} hint={hintNode}>
        {db ? (
          <PhotoPicker
            db={db}
            sha256={value || null}
            onPhoto={(sha256) => onText(sha256 ?? "")}
            disabled={readOnly}
            testId={`q-${q.name}`}
          />
        ) : (
          <p className="text-sm text-gray-700">{t("questionnaire.image.onPhone")}</p>
        )}
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
  }[q.type as "text"] as {
    type: string;
    inputMode?: "numeric" | "decimal" | "tel";
    autoComplete?: string;
    autoCapitalize?: string;
  };
  const multiline = q.type === "text" && q.appearance === "multiline";
  // As React would write them (TypedInput sets them itself).
  const typedAttributes = {
    id,
    "aria-invalid": error ? "true" : undefined,
    "aria-required": required ? "true" : undefined,
    "aria-describedby": describedBy,
    "data-testid": `q-${q.name}`,
    class: multiline ? `${inputClass} py-2` : inputClass,
    rows: multiline ? "3" : undefined,
    type: multiline ? undefined : kind.type,
    inputmode: multiline ? undefined : kind.inputMode,
    autocomplete: kind.autoComplete,
    autocapitalize: kind.autoCapitalize,
  };
  return (
    <Shell label={shownLabel} htmlFor={id} error={errorNode} hint={hintNode}>
      <TypedInput
        store={store}
        name={q.name}
        at={at}
        multiline={multiline}
        onText={onText}
        disabled={readOnly}
        attributes={typedAttributes}
      />
    </Shell>
  );
}, sameQuestion);
