import {
  type Answers,
  type AnswerValue,
  cellKey,
  type EvalContext,
  evaluateForm,
  type FormChange,
  type FormState,
  type Question,
  type QuestionnaireDefinition,
  walkItems,
} from "@/domain/questionnaire";
import type { Position } from "../../_lib/record";

/**
 * The questionnaire's answers and their state on the phone, outside React: a keystroke updates the
 * state with FormState.update (only what reads the answer is worked out again) and tells only the
 * places that update names — the question typed in, those whose relevance or value followed, those
 * whose checks or labels read them — so only those are drawn again, not the form. Every question
 * component subscribes to its own place (useSyncExternalStore).
 */
export class FormStore {
  readonly state: FormState;
  /** Each item's enclosing repeats, outermost first. */
  readonly chains: ReadonlyMap<string, readonly string[]>;
  /** Places the officer has typed in: their errors show before a refused save. */
  readonly touched = new Set<string>();
  private readonly defaulted: readonly Question[];
  private readonly geopoints: readonly string[];
  /** Bumped when anything may have changed (rows made again): every place draws again. */
  private epoch = 0;
  private readonly versions = new Map<string, number>();
  /** Listeners by place (cellKey) and by item name (a reader is told at every row). */
  private readonly byCell = new Map<string, Set<() => void>>();
  private readonly byName = new Map<string, Set<() => void>>();
  private readonly everyone = new Set<() => void>();

  constructor(
    readonly definition: QuestionnaireDefinition,
    answers: Answers,
    readonly ctx: EvalContext,
    /** The visit's own position, which a geopoint question takes. */
    public position: Position | null,
  ) {
    this.state = evaluateForm(definition, answers, ctx);
    const chains = new Map<string, string[]>();
    const defaulted: Question[] = [];
    const geopoints: string[] = [];
    for (const { item, parents } of walkItems(definition.survey)) {
      chains.set(
        item.name,
        parents.filter((p) => p.kind === "repeat").map((p) => p.name),
      );
      if (item.kind === "question" && (item.defaultValue || item.defaultFormula || item.bind))
        defaulted.push(item);
      if (item.kind === "question" && item.type === "geopoint") geopoints.push(item.name);
    }
    this.geopoints = geopoints;
    this.chains = chains;
    this.defaulted = defaulted;
    // Defaults of a form that has none of its answers yet: its first draw shows them.
    this.fillDefaults();
  }

  get answers(): Answers {
    return this.state.answers;
  }

  /**
   * One answer set (a question's text, a repeat's rows), the defaults of questions it makes apply
   * filled in, and the places it changed told. Returns the new answers.
   */
  set(name: string, at: readonly number[], value: AnswerValue, touch = true): Answers {
    if (touch) this.touched.add(cellKey(name, at));
    const changes = [this.state.update(name, at, value)];
    this.fillDefaults(changes);
    this.tell(changes, cellKey(name, at));
    return this.state.answers;
  }

  /** A new fix of the visit's position: the geopoint questions draw again, nothing else. */
  setPosition(position: Position | null): void {
    if (position === this.position) return;
    this.position = position;
    this.tell([{ all: false, cells: new Set(), readers: new Set(this.geopoints) }], "");
  }

  /** Every answer replaced (the strays dropped): the state made again, every place told. */
  replace(answers: Answers): Answers {
    const changes = [this.state.replace(answers)];
    this.fillDefaults(changes);
    this.tell(changes, "");
    return this.state.answers;
  }

  /**
   * Defaults of the questions that apply and were never answered (a cleared answer stays cleared),
   * one at a time: a default may make another question apply, or change a row count.
   */
  private fillDefaults(changes?: FormChange[]): void {
    if (this.defaulted.length === 0) return;
    for (let guard = 0; guard < 10_000; guard++) {
      const next = this.missingDefault();
      if (!next) return;
      const change = this.state.update(next.name, next.at, next.value);
      changes?.push(change);
    }
  }

  private missingDefault(): { name: string; at: readonly number[]; value: string } | null {
    const { state } = this;
    for (const item of this.defaulted) {
      for (const at of state.positions(this.chains.get(item.name) ?? [])) {
        if (!state.relevant(item.name, at) || state.raw(item.name, at) !== undefined) continue;
        const value = state.defaultFor(item.name, at);
        if (value) return { name: item.name, at, value };
      }
    }
    return null;
  }

  private tell(changes: readonly FormChange[], typed: string): void {
    const told = new Set<() => void>();
    const bump = (key: string, listeners: Set<() => void> | undefined) => {
      this.versions.set(key, (this.versions.get(key) ?? 0) + 1);
      if (listeners) for (const l of listeners) told.add(l);
    };
    if (changes.some((c) => c.all)) {
      this.epoch++;
      for (const l of this.everyone) told.add(l);
    } else {
      if (typed) bump(typed, this.byCell.get(typed));
      for (const change of changes) {
        for (const cell of change.cells) bump(cell, this.byCell.get(cell));
        for (const name of change.readers) bump(name, this.byName.get(name));
      }
    }
    for (const l of told) l();
  }

  /** Told when the place (or, as a reader, its item at any row) may look different. */
  subscribe(name: string, cell: string, listener: () => void): () => void {
    const add = (map: Map<string, Set<() => void>>, key: string) => {
      let set = map.get(key);
      if (!set) {
        set = new Set();
        map.set(key, set);
      }
      set.add(listener);
    };
    add(this.byCell, cell);
    add(this.byName, name);
    this.everyone.add(listener);
    return () => {
      this.byCell.get(cell)?.delete(listener);
      this.byName.get(name)?.delete(listener);
      this.everyone.delete(listener);
    };
  }

  /** A text that differs whenever the place was told: useSyncExternalStore's snapshot. */
  version(name: string, cell: string): string {
    return `${this.epoch}.${this.versions.get(cell) ?? 0}.${this.versions.get(name) ?? 0}`;
  }

  /** Told at every change that makes the rows again (the form's own notices follow the state). */
  subscribeAll(listener: () => void): () => void {
    this.everyone.add(listener);
    return () => this.everyone.delete(listener);
  }

  epochNow(): number {
    return this.epoch;
  }
}
