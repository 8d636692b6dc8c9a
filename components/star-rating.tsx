"use client";
import { useRef, useState, type ComponentProps, type KeyboardEvent } from "react";

const VALUES = [0, 1, 2, 3, 4, 5] as const;

type Props = {
  /** The user's current rating, or null when they have not rated. */
  value: number | null;
  onRate: (score: number) => void;
  disabled?: boolean;
  label: string;
};

/**
 * A radio group of six options, "0 stars" … "5 stars". Arrow keys move the focus within the
 * group without rating; Space or Enter rates the focused option; a click rates at once. Pointing at
 * a star previews it: the stars up to it light, so the click's outcome shows before it is made.
 * Disabled, it is the same markup without state or handlers ({@link StarButtons}): the signed-out
 * list shows twenty of them, and each one's hooks and handlers were hydration work for nothing.
 */
export function StarRating({ value, onRate, disabled = false, label }: Props) {
  if (disabled) return <StarButtons value={value} label={label} />;
  return <ActiveStarRating value={value} onRate={onRate} label={label} />;
}

function ActiveStarRating({ value, onRate, label }: Omit<Props, "disabled">) {
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);
  const [hovered, setHovered] = useState<number | null>(null);

  function onKeyDown(event: KeyboardEvent<HTMLButtonElement>, current: number) {
    const moves: Record<string, number> = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1 };
    let next: number | null = null;
    if (event.key in moves) next = Math.min(5, Math.max(0, current + (moves[event.key] ?? 0)));
    if (event.key === "Home") next = 0;
    if (event.key === "End") next = 5;
    if (next !== null) {
      event.preventDefault();
      buttons.current[next]?.focus();
    } else if (event.key === " " || event.key === "Enter") {
      event.preventDefault();
      onRate(current);
    }
  }

  return (
    <StarButtons
      value={value}
      label={label}
      hovered={hovered}
      handlers={{
        onPointerLeave: () => setHovered(null),
        button: (score) => ({
          ref: (el) => {
            buttons.current[score] = el;
          },
          onClick: () => onRate(score),
          onPointerEnter: (event) => {
            // Touch has no hover: a tap would leave the preview lit on the tapped star.
            if (event.pointerType === "mouse") setHovered(score);
          },
          onKeyDown: (event) => onKeyDown(event, score),
        }),
      }}
    />
  );
}

type ButtonHandlers = Pick<ComponentProps<"button">, "ref" | "onClick" | "onPointerEnter" | "onKeyDown">;

/** The group's markup; without handlers it is disabled. */
function StarButtons({
  value,
  label,
  hovered = null,
  handlers,
}: {
  value: number | null;
  label: string;
  hovered?: number | null;
  handlers?: { onPointerLeave: () => void; button: (score: number) => ButtonHandlers };
}) {
  const disabled = handlers === undefined;
  const focusable = value ?? 0;
  const shown = hovered ?? value;
  return (
    <div
      role="radiogroup"
      aria-label={label}
      aria-disabled={disabled || undefined}
      className={`stars${hovered !== null ? " previewing" : ""}`}
      onPointerLeave={handlers?.onPointerLeave}
    >
      {VALUES.map((score) => {
        const checked = value === score;
        const lit = shown !== null && score > 0 && score <= shown;
        return (
          <button
            key={score}
            type="button"
            role="radio"
            aria-checked={checked}
            aria-label={`${score} ${score === 1 ? "star" : "stars"}`}
            tabIndex={score === focusable ? 0 : -1}
            disabled={disabled}
            className={
              score === 0
                ? `star zero${checked ? " checked" : ""}`
                : `star${lit ? " lit" : ""}${checked ? " checked" : ""}`
            }
            {...handlers?.button(score)}
          >
            {score === 0 ? "0" : "★"}
          </button>
        );
      })}
    </div>
  );
}

/** The same six stars for people who cannot rate: the average, shown, not operable. */
export function StaticStars({ score }: { score: number | null }) {
  const filled = score === null ? 0 : Math.round(score);
  return (
    <span className="stars static" aria-hidden="true">
      {[1, 2, 3, 4, 5].map((n) => (
        <span key={n} className={`star${n <= filled ? " lit" : ""}`}>
          ★
        </span>
      ))}
    </span>
  );
}
