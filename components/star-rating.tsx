"use client";
import { useRef, useState, type KeyboardEvent } from "react";

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
 */
export function StarRating({ value, onRate, disabled = false, label }: Props) {
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);
  const focusable = value ?? 0;
  const [hovered, setHovered] = useState<number | null>(null);
  const shown = disabled ? value : (hovered ?? value);

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
      if (!disabled) onRate(current);
    }
  }

  return (
    <div
      role="radiogroup"
      aria-label={label}
      aria-disabled={disabled || undefined}
      className={`stars${hovered !== null && !disabled ? " previewing" : ""}`}
      onPointerLeave={() => setHovered(null)}
    >
      {VALUES.map((score) => {
        const checked = value === score;
        const lit = shown !== null && score > 0 && score <= shown;
        return (
          <button
            key={score}
            ref={(el) => {
              buttons.current[score] = el;
            }}
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
            onClick={() => onRate(score)}
            onPointerEnter={(event) => {
              // Touch has no hover: a tap would leave the preview lit on the tapped star.
              if (event.pointerType === "mouse") setHovered(score);
            }}
            onKeyDown={(event) => onKeyDown(event, score)}
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
