"use client";
import { useState } from "react";

/** Shares the page with the system sheet where there is one, otherwise copies its address. */
export function ShareLink({ title }: { title: string }) {
  const [done, setDone] = useState<string | null>(null);
  async function share() {
    const url = window.location.href;
    try {
      if (typeof navigator.share === "function") {
        await navigator.share({ title, url });
        return;
      }
      await navigator.clipboard.writeText(url);
      setDone("Link copied");
    } catch {
      setDone(`Copy this link: ${url}`);
    }
  }
  return (
    <p className="share">
      <button type="button" onClick={share}>
        Share
      </button>{" "}
      <span role="status" className="hint">
        {done}
      </span>
    </p>
  );
}
