import { useId, type InputHTMLAttributes } from "react";

/**
 * A labelled text input with an optional hint: the label names the field (its accessible name stays short)
 * and the hint is read after it, through aria-describedby.
 */
export function Field({ label, hint, ...input }: { label: string; hint?: string } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <span className="hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      <input id={id} aria-describedby={hint ? `${id}-hint` : undefined} {...input} />
    </div>
  );
}
