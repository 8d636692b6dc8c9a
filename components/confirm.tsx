"use client";
import { useId } from "react";

/**
 * An inline question before an action that cannot be undone: the safe answer has the focus, so
 * Enter or Space right after the first click does not confirm by accident.
 */
export function Confirm({
  question,
  confirmLabel,
  pendingLabel,
  cancelLabel,
  pending,
  error,
  onConfirm,
  onCancel,
}: {
  question: string;
  confirmLabel: string;
  pendingLabel: string;
  cancelLabel: string;
  pending: boolean;
  error?: string | null;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const questionId = useId();
  return (
    <div role="alertdialog" aria-labelledby={questionId} className="confirm">
      <p id={questionId}>{question}</p>
      <button type="button" className="danger" disabled={pending} onClick={onConfirm}>
        {pending ? pendingLabel : confirmLabel}
      </button>{" "}
      <button type="button" onClick={onCancel} autoFocus>
        {cancelLabel}
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
