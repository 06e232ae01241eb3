import type { Metadata } from "next";
import type { ReactNode } from "react";
import { TrpcProviders } from "../_components/trpc";

export const metadata: Metadata = {
  title: "居民自查",
  description: "凭入户核查告知单上的核查码，查看并确认本户的登记信息",
  // A lookup page for residents: nothing here for search engines, and no Referer to take the code away.
  robots: { index: false, follow: false },
  referrer: "no-referrer",
};

export default function CheckLayout({ children }: { children: ReactNode }) {
  return <TrpcProviders>{children}</TrpcProviders>;
}
