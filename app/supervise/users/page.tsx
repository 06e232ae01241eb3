"use client";

import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { ROLES, type Role } from "@/domain/auth";
import { USER_PAGE_SIZE, type UserRow, type UserState } from "@/domain/users";
import { ErrorPanel } from "../../_components/controls";
import { useI18n } from "../../_components/i18n";
import { useTRPC } from "../../_components/trpc";
import { INPUT_CLASS } from "../campaigns/_parts/ui";
import { AreaPicker, SELECT_CLASS } from "./_parts/area-picker";
import { BulkCreate } from "./_parts/bulk";
import { ManagePanel } from "./_parts/manage";
import { TempPassword } from "./_parts/temp-password";
import { UserForm } from "./_parts/user-form";

/** "YYYY-MM-DD HH:mm" in China time (no daylight saving), whatever the browser's zone. */
const chinaDateTime = (at: Date) =>
  new Date(new Date(at).getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace("T", " ");

const ROLE_CHIP: Record<Role, string> = {
  officer: "border-gray-400 bg-white text-gray-900",
  supervisor: "border-blue-700 bg-blue-50 text-blue-900",
  admin: "border-purple-700 bg-purple-50 text-purple-900",
};

// Columns of a row on a wide screen; on a phone each row is a card with labelled values.
const COLUMNS =
  "md:grid md:grid-cols-[minmax(9rem,1.5fr)_5.5rem_minmax(7rem,1.2fr)_7.5rem_5rem_8.5rem_4.5rem_5.5rem] md:items-center md:gap-2";

/**
 * Accounts (/supervise/users): administrators manage every account of their area, supervisors the
 * officers of theirs (server/services/users.ts decides; this page only offers). Search, filters and
 * pages; a new account, or many from an .xlsx file; per account its role and area, a password reset
 * and disabling, each answered with what happened. Temporary passwords are shown once.
 */
export default function UsersPage() {
  const { t } = useI18n();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const ids = useId();
  const me = useQuery(trpc.auth.me.queryOptions());
  const [panel, setPanel] = useState<"create" | "bulk" | null>(null);
  const [created, setCreated] = useState<{ heading: string; password: string } | null>(null);
  const [typed, setTyped] = useState("");
  const [search, setSearch] = useState("");
  const [role, setRole] = useState<Role | "">("");
  const [areaId, setAreaId] = useState<string | null>(null);
  const [state, setState] = useState<UserState>("all");
  const [offset, setOffset] = useState(0);
  const [open, setOpen] = useState<string | null>(null);

  // Searched a moment after typing stops, not at every key.
  useEffect(() => {
    const timer = setTimeout(() => {
      setSearch(typed.trim());
      setOffset(0);
    }, 300);
    return () => clearTimeout(timer);
  }, [typed]);

  const input = {
    search: search || undefined,
    role: role || undefined,
    areaId: areaId ?? undefined,
    state,
    offset,
    limit: USER_PAGE_SIZE,
  };
  const list = useQuery({ ...trpc.user.list.queryOptions(input), placeholderData: keepPreviousData });
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.user.list.queryKey() });
  const isAdmin = me.data?.role === "admin";
  const roles = list.data?.grantableRoles ?? [];

  return (
    <div className="flex min-w-0 flex-col gap-3">
      <div className="flex flex-wrap items-end gap-x-3 gap-y-2">
        <div className="min-w-[14rem] flex-1">
          <h1 className="text-2xl font-bold">{t("users.heading")}</h1>
          <p className="text-sm text-gray-700">
            {isAdmin ? t("users.introAdmin") : t("users.introSupervisor")}
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <button
            type="button"
            onClick={() => setPanel("create")}
            className="min-h-11 rounded-lg bg-brand px-4 font-medium text-white hover:bg-brand-dark"
          >
            {t("users.new")}
          </button>
          <button
            type="button"
            onClick={() => setPanel("bulk")}
            className="min-h-11 rounded-lg border border-brand bg-white px-4 font-medium text-brand hover:bg-gray-50"
          >
            {t("users.bulk")}
          </button>
        </div>
      </div>

      {created && (
        <TempPassword
          heading={created.heading}
          password={created.password}
          onDismiss={() => setCreated(null)}
        />
      )}
      {panel === "create" && roles.length > 0 && (
        <UserForm
          roles={roles}
          onCancel={() => setPanel(null)}
          onCreated={async (user) => {
            setPanel(null);
            setCreated({
              heading: t("users.form.created", { name: user.displayName, username: user.username }),
              password: user.temporaryPassword,
            });
            await refresh();
          }}
        />
      )}
      {panel === "bulk" && <BulkCreate onCreated={refresh} onClose={() => setPanel(null)} />}

      <section
        className="grid gap-3 rounded-xl bg-white p-3 shadow-sm sm:grid-cols-2 lg:grid-cols-4"
        aria-label={t("users.filter.search")}
      >
        <div className="flex flex-col gap-1">
          <label htmlFor={`${ids}-search`} className="text-sm font-semibold">
            {t("users.filter.search")}
          </label>
          <input
            id={`${ids}-search`}
            type="search"
            value={typed}
            onChange={(event) => setTyped(event.target.value)}
            placeholder={t("users.filter.searchPlaceholder")}
            className={INPUT_CLASS}
          />
        </div>
        {isAdmin && (
          <div className="flex flex-col gap-1">
            <label htmlFor={`${ids}-role`} className="text-sm font-semibold">
              {t("users.filter.role")}
            </label>
            <select
              id={`${ids}-role`}
              value={role}
              onChange={(event) => {
                setRole(event.target.value as Role | "");
                setOffset(0);
              }}
              className={SELECT_CLASS}
            >
              <option value="">{t("users.filter.allRoles")}</option>
              {ROLES.map((option) => (
                <option key={option} value={option}>
                  {t(`users.role.${option}`)}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="flex flex-col gap-1">
          <label htmlFor={`${ids}-area`} className="text-sm font-semibold">
            {t("users.filter.area")}
          </label>
          <AreaPicker
            id={`${ids}-area`}
            label={t("users.filter.area")}
            emptyLabel={t("users.area.any")}
            onChange={(area) => {
              setAreaId(area?.id ?? null);
              setOffset(0);
            }}
          />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={`${ids}-state`} className="text-sm font-semibold">
            {t("users.filter.state")}
          </label>
          <select
            id={`${ids}-state`}
            value={state}
            onChange={(event) => {
              setState(event.target.value as UserState);
              setOffset(0);
            }}
            className={SELECT_CLASS}
          >
            {(["all", "active", "disabled"] as const).map((option) => (
              <option key={option} value={option}>
                {t(`users.state.${option}`)}
              </option>
            ))}
          </select>
        </div>
      </section>

      {list.isPending ? (
        <p className="p-6 text-center text-gray-600" aria-live="polite">
          {t("users.loading")}
        </p>
      ) : list.error ? (
        <ErrorPanel message={list.error.message} onRetry={() => list.refetch()} />
      ) : (
        <section className="flex flex-col rounded-xl bg-white shadow-sm" aria-labelledby={`${ids}-count`}>
          <p id={`${ids}-count`} className="px-3 pt-3 text-base font-semibold" aria-live="polite">
            {t("users.count", { total: list.data.total })}
          </p>
          {list.data.users.length === 0 ? (
            <p className="p-6 text-center text-gray-700">{t("users.empty")}</p>
          ) : (
            <>
              <div
                aria-hidden="true"
                className={`hidden border-b-2 border-gray-200 px-3 py-2 text-sm font-semibold text-gray-700 ${COLUMNS}`}
              >
                <span>
                  {t("users.col.name")} / {t("users.col.username")}
                </span>
                <span>{t("users.col.role")}</span>
                <span>{t("users.col.area")}</span>
                <span>{t("users.col.phone")}</span>
                <span>{t("users.col.state")}</span>
                <span>{t("users.col.lastLogin")}</span>
                <span>{t("users.col.grids")}</span>
                <span>{t("users.col.actions")}</span>
              </div>
              <ul className="flex flex-col divide-y divide-gray-200" aria-label={t("users.heading")}>
                {list.data.users.map((user) => (
                  <UserItem
                    key={user.id}
                    user={user}
                    self={user.id === list.data.selfId}
                    open={open === user.id}
                    onToggle={() => setOpen(open === user.id ? null : user.id)}
                    roles={roles}
                    onChanged={refresh}
                  />
                ))}
              </ul>
            </>
          )}
          <Pager
            offset={offset}
            shown={list.data.users.length}
            total={list.data.total}
            onPage={(next) => {
              setOffset(next);
              setOpen(null);
            }}
          />
        </section>
      )}
    </div>
  );
}

function UserItem({
  user,
  self,
  open,
  onToggle,
  roles,
  onChanged,
}: {
  user: UserRow;
  self: boolean;
  open: boolean;
  onToggle: () => void;
  roles: Role[];
  onChanged: () => Promise<unknown>;
}) {
  const { t, locale } = useI18n();
  const colon = locale === "en" ? ": " : "：";
  const label = (key: string) => (
    <span className="text-gray-600 md:sr-only">
      {t(key)}
      {colon}
    </span>
  );
  return (
    <li data-testid="user-row" data-username={user.username}>
      <div className={`flex flex-wrap items-center gap-x-4 gap-y-1 px-3 py-3 ${COLUMNS}`}>
        {/* On a phone: name and button on top, chips, then the facts; on a wide screen, columns. */}
        <div className="order-1 flex min-w-0 flex-1 flex-col md:order-none">
          <span className="truncate text-base font-semibold text-gray-900">
            {user.displayName}
            {self && <span className="font-normal text-gray-600"> {t("users.self")}</span>}
          </span>
          <span className="truncate text-sm text-gray-700">{user.username}</span>
        </div>
        <span className="order-3 md:order-none">
          <span
            className={`inline-flex min-h-7 items-center rounded-full border px-2.5 text-sm font-semibold ${ROLE_CHIP[user.role]}`}
          >
            {t(`users.role.${user.role}`)}
          </span>
        </span>
        <span
          className="order-5 min-w-0 basis-full text-sm text-gray-900 md:order-none md:basis-auto md:truncate"
          title={user.areaCode}
        >
          {label("users.col.area")}
          {user.areaName}
        </span>
        <span className="order-6 text-sm tabular-nums text-gray-900 md:order-none">
          {label("users.col.phone")}
          {user.phone ?? "—"}
        </span>
        <span className="order-4 md:order-none">
          <span
            className={`inline-flex min-h-7 items-center rounded-full border px-2.5 text-sm font-semibold ${
              user.disabledAt
                ? "border-red-700 bg-red-50 text-red-900"
                : "border-green-700 bg-green-50 text-green-900"
            }`}
          >
            {user.disabledAt ? t("users.state.disabled") : t("users.state.active")}
          </span>
        </span>
        <span className="order-7 text-sm tabular-nums text-gray-900 md:order-none">
          {label("users.col.lastLogin")}
          {user.lastLoginAt ? chinaDateTime(user.lastLoginAt) : t("users.never")}
        </span>
        <span className="order-8 text-sm tabular-nums text-gray-900 md:order-none">
          {label("users.col.grids")}
          {user.activeGrids}
        </span>
        {self ? (
          <span className="order-2 md:order-none" />
        ) : (
          <button
            type="button"
            onClick={onToggle}
            aria-expanded={open}
            aria-label={t("users.manageFor", { name: user.displayName })}
            className="order-2 min-h-11 shrink-0 rounded-lg border md:order-none border-brand bg-white px-3 font-medium text-brand hover:bg-gray-50"
          >
            {open ? t("users.collapse") : t("users.manage")}
          </button>
        )}
      </div>
      {open && <ManagePanel user={user} roles={roles} onChanged={onChanged} />}
    </li>
  );
}

function Pager({
  offset,
  shown,
  total,
  onPage,
}: {
  offset: number;
  shown: number;
  total: number;
  onPage: (offset: number) => void;
}) {
  const { t } = useI18n();
  if (total <= USER_PAGE_SIZE) return null;
  return (
    <div className="flex flex-wrap items-center gap-2 border-t border-gray-200 p-3">
      <button
        type="button"
        disabled={offset === 0}
        onClick={() => onPage(Math.max(0, offset - USER_PAGE_SIZE))}
        className="min-h-11 rounded-lg border border-gray-400 bg-white px-4 font-medium disabled:opacity-50"
      >
        {t("users.prev")}
      </button>
      <span className="text-sm tabular-nums text-gray-800">
        {t("users.range", { from: offset + 1, to: offset + shown, total })}
      </span>
      <button
        type="button"
        disabled={offset + shown >= total}
        onClick={() => onPage(offset + USER_PAGE_SIZE)}
        className="min-h-11 rounded-lg border border-gray-400 bg-white px-4 font-medium disabled:opacity-50"
      >
        {t("users.next")}
      </button>
    </div>
  );
}
