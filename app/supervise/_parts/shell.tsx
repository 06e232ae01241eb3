"use client";
import "@/domain/i18n/all";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { type ReactNode, useEffect, useRef } from "react";
import { LanguageSwitch } from "../../_components/controls";
import { useI18n } from "../../_components/i18n";
import { useLogout } from "../../_components/shell";
import { useTRPC } from "../../_components/trpc";

/** Tabs with `admin` only are the administrator's (imports, campaigns): supervisors do not see them. */
const TABS: readonly { href: string; label: string; admin?: boolean }[] = [
  { href: "/supervise", label: "map.title" },
  { href: "/supervise/progress", label: "progress.title" },
  { href: "/supervise/campaigns", label: "campaign.title" },
  { href: "/supervise/review", label: "supervise.review" },
  { href: "/supervise/conflicts", label: "supervise.conflicts" },
  { href: "/supervise/devices", label: "supervise.devices" },
  { href: "/supervise/quarantine", label: "supervise.quarantine" },
  { href: "/supervise/export", label: "export.title" },
  { href: "/supervise/users", label: "users.title" },
  { href: "/register", label: "nav.register" },
  { href: "/supervise/import", label: "importPage.title", admin: true },
];

/**
 * The supervisor's screens: a tablet or desktop, online. Tabs for the map, progress, review,
 * conflicts and devices; officers are sent to their field app.
 */
export function SuperviseShell({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const pathname = usePathname();
  const me = useQuery(trpc.auth.me.queryOptions());
  const logout = useLogout();
  const user = me.data;
  const allowed = user && (user.role === "supervisor" || user.role === "admin");
  const nav = useRef<HTMLElement>(null);
  // Ten tabs overflow a phone: bring the current one into view, wherever it sits.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs again when the page (pathname) or the tabs (user) change
  useEffect(() => {
    nav.current
      ?.querySelector('[aria-current="page"]')
      ?.scrollIntoView({ block: "nearest", inline: "nearest" });
  }, [pathname, user]);
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="sticky top-0 z-[1000] bg-brand text-white shadow">
        <div className="mx-auto flex max-w-6xl items-center gap-2 px-3 py-1">
          <Link href="/supervise" className="flex min-h-11 shrink-0 items-center text-lg font-bold">
            {t("app.name")}
          </Link>
          <span className="min-w-0 truncate text-sm text-white/85">
            {user ? `${user.displayName} · ${user.areaName}` : ""}
          </span>
          <span className="flex-1" />
          <LanguageSwitch />
          {user && (
            <button
              type="button"
              onClick={() => logout.mutate()}
              className="min-h-11 shrink-0 rounded-lg px-3 text-sm font-medium hover:bg-white/10"
            >
              {t("nav.logout")}
            </button>
          )}
        </div>
        <nav
          ref={nav}
          className="mx-auto flex max-w-6xl gap-1 overflow-x-auto px-2"
          aria-label={t("supervise.title")}
        >
          {TABS.filter((tab) => !tab.admin || user?.role === "admin").map((tab) => {
            const active = tab.href === "/supervise" ? pathname === tab.href : pathname.startsWith(tab.href);
            return (
              <Link
                key={tab.href}
                href={tab.href}
                aria-current={active ? "page" : undefined}
                className={`flex min-h-11 shrink-0 items-center border-b-4 px-3 text-base font-semibold ${
                  active ? "border-white text-white" : "border-transparent text-white/80 hover:text-white"
                }`}
              >
                {t(tab.label)}
              </Link>
            );
          })}
        </nav>
      </header>
      <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-3 py-3">
        {!me.isFetched ? null : !user ? (
          <Notice text={t("auth.required")} href="/login" action={t("auth.submit")} />
        ) : !allowed ? (
          <Notice text={t("supervise.officerHere")} href="/field" action={t("field.title")} />
        ) : (
          children
        )}
      </main>
    </div>
  );
}

function Notice({ text, href, action }: { text: string; href: string; action: string }) {
  return (
    <div className="mx-auto max-w-md rounded-xl bg-white p-6 text-center shadow-sm">
      <p className="mb-4 text-base">{text}</p>
      <Link
        href={href}
        className="inline-flex min-h-11 items-center rounded-lg bg-brand px-6 font-medium text-white"
      >
        {action}
      </Link>
    </div>
  );
}
