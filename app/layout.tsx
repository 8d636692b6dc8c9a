import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { Providers } from "@/components/providers";
import { SiteHeader } from "@/components/site-header";
import { getSession } from "@/server/api/rsc";
import { serverConfig } from "@/server/env";
import "./globals.css";

export function generateMetadata(): Metadata {
  return {
    // Share links (Open Graph, canonical) need absolute URLs: the site's public address.
    metadataBase: new URL(serverConfig().nextAuthUrl ?? "http://localhost:3000"),
    title: "steadystar",
    description: "Rate posts from 0 to 5 stars, with scores that hold steady under pile-ons.",
  };
}

// Every page depends on the visitor's session and on live scores: nothing is prerendered.
export const dynamic = "force-dynamic";

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const session = await getSession();
  return (
    <html lang="en">
      <body>
        <Providers session={session} serverTrpcUrl={`http://127.0.0.1:${serverConfig().port}/api/trpc`}>
          <SiteHeader />
          <main>{children}</main>
        </Providers>
      </body>
    </html>
  );
}
