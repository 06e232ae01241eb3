/**
 * The push envelope: what the phone sends from its outbox and what `sync.push` answers, per mutation.
 * No zod here (the work list imports this and has a JS budget); the input schema is in `push-input.ts`.
 *
 * A mutation is one outbox entry: a visit with its changes, or the resolution of a conflict. Its id is
 * made on the phone and is the ledger's key, so a replay answers from the ledger and writes nothing.
 */

import type { Role } from "./auth";
import type { Translate } from "./i18n";
import type { Change, Visit } from "./visit";

/** Per request; the phone sends at most this many and the server refuses more. */
/** What became of one change row; see the `changes` table for each state's meaning. */
export const CHANGE_STATUSES = [
  "pending",
  "applied",
  "unchanged",
  "conflict",
  "resolved",
  "returned",
] as const;
export type ChangeStatus = (typeof CHANGE_STATUSES)[number];

export const PUSH_MAX_MUTATIONS = 250;
/** What the phone aims for per request, below the server's body limit (1 MiB). */
export const PUSH_BATCH_BYTES = 600 * 1024;

export interface VisitMutation {
  id: string;
  kind: "visit";
  payload: { visit: Visit; changes: Change[] };
}

/**
 * Settling a conflict: the value chosen, and the server's value the resolver saw beside it. If the
 * server has moved on since, it is a conflict again, judged like any field.
 */
export interface ResolveMutation {
  id: string;
  kind: "resolve";
  payload: { changeId: string; value: unknown; serverValue: unknown };
}

export type Mutation = VisitMutation | ResolveMutation;
export type MutationKind = Mutation["kind"];

/** What the phone reports about itself on every push, kept per device for the supervisor. */
export interface DeviceHealth {
  appVersion: string;
  unsentCount: number;
  /** ISO time of the oldest entry still in the outbox, or null when it is empty. */
  oldestUnsentAt: string | null;
  storagePersisted: boolean | null;
  storageUsage: number | null;
  storageQuota: number | null;
}

export interface PushInput {
  deviceId: string;
  mutations: Mutation[];
  device?: DeviceHealth;
}

/**
 * Who set a value the server holds: a person (named as the reader may see them: staff by their display
 * name, the reader as themselves), or the register's own data as a department's import loaded it.
 */
export type ValueSetter = { kind: "user"; name: string; role: Role; self: boolean } | { kind: "register" };

/** "张三（督导员）", "您本人", "台账导入数据": who set a value, in the reader's language. */
export function setterText(setter: ValueSetter, t: Translate): string {
  if (setter.kind === "register") return t("conflict.setBy.register");
  if (setter.self) return t("conflict.setBy.self");
  return t("conflict.setBy.user", { name: setter.name, role: t(`role.${setter.role}`) });
}

/** One field the server did not take: what the officer saw, what the server holds now, what they set. */
export interface ConflictField {
  changeId: string;
  entity: string;
  entityId: string;
  field: string;
  registerValue: unknown;
  serverValue: unknown;
  observedValue: unknown;
  /** Who set `serverValue`; null when not known (conflicts recorded before it was kept). */
  setBy?: ValueSetter | null;
}

export type MutationResult =
  /** Written; `versions` holds each register row's new version. */
  | { status: "applied"; versions: Record<string, number> }
  /** Written, except these fields, which wait for someone to settle them. */
  | { status: "conflict"; versions: Record<string, number>; conflicts: ConflictField[] }
  /** Nothing written; the officer must act. `message` is in the caller's language. */
  | { status: "rejected"; key: string; message: string; field?: string }
  /**
   * Taken into quarantine, not the register: the device was marked lost or retired. The phone drops
   * it from its outbox (the server holds it now) and erases its register data (`PushResponse.wipe`).
   */
  | { status: "quarantined" };

/** The ledger's answer to a replay is the stored result, marked as such. */
export type PushResult = { id: string; duplicate: boolean } & MutationResult;

export interface PushResponse {
  results: PushResult[];
  /** The device was marked lost or retired: erase the register data once the outbox is empty. */
  wipe?: true;
}

/** Rejections a later push can clear by itself (the photo uploads first), so the phone retries them. */
export const RETRYABLE_REJECTIONS = new Set(["sync.photoMissing"]);
