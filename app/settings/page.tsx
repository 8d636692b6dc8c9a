import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SettingsPanels } from "@/components/settings-panels";
import { getSession } from "@/server/api/rsc";

export const metadata: Metadata = { title: "Settings · steadystar" };

export default async function SettingsPage() {
  if (!(await getSession())) redirect("/signin?callbackUrl=/settings");
  return (
    <section className="narrow">
      <h1>Settings</h1>
      <SettingsPanels />
    </section>
  );
}
