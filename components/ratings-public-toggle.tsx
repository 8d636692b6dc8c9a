"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTRPC } from "./trpc";

/** Whether the signed-in person's ratings show on their public profile. */
export function RatingsPublicToggle({ ratingsPublic }: { ratingsPublic: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const save = useMutation(trpc.user.setRatingsPublic.mutationOptions({ onSuccess: () => router.refresh() }));
  return (
    <p>
      <label>
        <input
          type="checkbox"
          checked={save.isPending ? save.variables.ratingsPublic : ratingsPublic}
          disabled={save.isPending}
          onChange={(event) => save.mutate({ ratingsPublic: event.target.checked })}
        />{" "}
        Show my ratings on my public profile
      </label>
      {save.isError && (
        <span className="error" role="alert">
          {" "}
          {save.error.message}
        </span>
      )}
    </p>
  );
}
