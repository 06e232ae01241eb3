"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import type { ReactNode } from "react";
import { LanguageSwitch } from "./controls";
import { useI18n } from "./i18n";
import { useTRPC } from "./trpc";

/** Ends the session, forgets what was cached for it, and goes to the login page. */
export function useLogout() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.auth.logout.mutationOptions({
      onSettled: async () => {
        queryClient.clear();
        router.replace("/login");
      },
    }),
  );
}

/** The top bar of signed-in screens: who is logged in, the language switch and logout. */
export function AppShell({ children, title }: { children: ReactNode; title: string }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const logout = useLogout();
  const user = me.data;
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="sticky top-0 z-10 bg-brand text-white shadow">
        <div className="mx-auto flex max-w-3xl items-center gap-2 px-3 py-1">
          <Link
            href={user && user.role !== "officer" ? "/supervise" : "/register"}
            className="flex min-h-11 items-center text-lg font-bold"
          >
            {t("app.name")}
          </Link>
          <span className="ml-1 truncate text-sm text-white/85">{title}</span>
          <span className="flex-1" />
          <LanguageSwitch />
          {user && (
            <button
              type="button"
              onClick={() => logout.mutate()}
              className="min-h-11 rounded-lg px-3 text-sm font-medium hover:bg-white/10"
            >
              {t("nav.logout")}
            </button>
          )}
        </div>
        {user && (
          <p className="mx-auto max-w-3xl truncate px-3 pb-2 text-sm text-white/85" data-testid="whoami">
            {t("auth.loggedInAs", { name: user.displayName, role: t(`role.${user.role}`) })} · {user.areaName}
          </p>
        )}
      </header>
      <main id="main" className="mx-auto w-full max-w-3xl flex-1 px-3 py-3">
        {me.isFetched && !user ? <SignInPrompt /> : children}
      </main>
    </div>
  );
}

function SignInPrompt() {
  const { t } = useI18n();
  return (
    <div className="rounded-xl bg-white p-6 text-center shadow-sm">
      <p className="mb-4 text-base">{t("auth.required")}</p>
      <Link
        href="/login"
        className="inline-flex min-h-11 items-center rounded-lg bg-brand px-6 font-medium text-white"
      >
        {t("auth.submit")}
      </Link>
    </div>
  );
}
