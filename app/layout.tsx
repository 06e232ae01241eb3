import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { I18nProvider } from "./_components/i18n";
import { ServiceWorkerUpdates } from "./_components/service-worker";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "入户核查 Doorstep", template: "%s · 入户核查" },
  description: "社区实有人口、单位与出租屋入户核查",
  applicationName: "入户核查",
  appleWebApp: { capable: true, title: "入户核查", statusBarStyle: "default" },
  icons: { apple: "/icons/apple-touch-icon.png" },
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  themeColor: "#0f5c8c",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="zh-CN">
      <body className="antialiased">
        <I18nProvider>
          {children}
          <ServiceWorkerUpdates />
        </I18nProvider>
      </body>
    </html>
  );
}
