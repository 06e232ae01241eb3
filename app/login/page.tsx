"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useForm } from "react-hook-form";
import { type LoginInput, loginSchema, PASSWORD_MAX, USERNAME_MAX } from "@/domain/auth";
import { LanguageSwitch } from "../_components/controls";
import { useI18n } from "../_components/i18n";
import { useTRPC } from "../_components/trpc";

export default function LoginPage() {
  const { t } = useI18n();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const form = useForm<LoginInput>({
    resolver: zodResolver(loginSchema),
    defaultValues: { username: "", password: "" },
  });
  const login = useMutation(
    trpc.auth.login.mutationOptions({
      onSuccess: async (user) => {
        await queryClient.invalidateQueries();
        // Officers work in the offline field app; supervisors and administrators start from the map.
        router.replace(user.role === "officer" ? "/field" : "/supervise");
      },
    }),
  );
  const { errors } = form.formState;

  return (
    <div className="flex min-h-dvh flex-col bg-brand">
      <div className="flex items-center justify-between p-2 text-white">
        <span className="px-2 text-lg font-bold">{t("app.name")}</span>
        <LanguageSwitch />
      </div>
      <main className="mx-auto w-full max-w-md flex-1 px-4 pt-6">
        <form
          noValidate
          onSubmit={form.handleSubmit((values) => login.mutate(values))}
          className="flex flex-col gap-4 rounded-2xl bg-white p-5 shadow-lg"
        >
          <h1 className="text-2xl font-bold text-gray-900">{t("auth.title")}</h1>
          <label className="flex flex-col gap-1">
            <span className="text-base font-medium text-gray-800">{t("auth.username")}</span>
            <input
              {...form.register("username")}
              autoComplete="username"
              autoCapitalize="none"
              aria-invalid={!!errors.username}
              className="min-h-12 rounded-lg border border-gray-400 px-3 text-lg aria-invalid:border-red-600"
            />
            {errors.username && (
              <span className="text-sm text-red-700">
                {t(errors.username.message ?? "", { max: USERNAME_MAX })}
              </span>
            )}
          </label>
          <label className="flex flex-col gap-1">
            <span className="text-base font-medium text-gray-800">{t("auth.password")}</span>
            <input
              {...form.register("password")}
              type="password"
              autoComplete="current-password"
              aria-invalid={!!errors.password}
              className="min-h-12 rounded-lg border border-gray-400 px-3 text-lg aria-invalid:border-red-600"
            />
            {errors.password && (
              <span className="text-sm text-red-700">
                {t(errors.password.message ?? "", { max: PASSWORD_MAX })}
              </span>
            )}
          </label>
          {login.error && (
            <p role="alert" data-testid="error" className="rounded-lg bg-red-50 p-3 text-base text-red-800">
              {login.error.message}
            </p>
          )}
          <button
            type="submit"
            disabled={login.isPending}
            className="min-h-12 rounded-lg bg-brand text-lg font-bold text-white disabled:opacity-60"
          >
            {login.isPending ? t("auth.submitting") : t("auth.submit")}
          </button>
        </form>
      </main>
    </div>
  );
}
