import { useState, type FormEvent } from "react";
import { changePassword } from "../api/hearth.ts";
import { useApp } from "../app-context.ts";
import { Field } from "./field.tsx";

/** A new password: the current one first; every other session is signed out, this one stays. */
export function PasswordForm() {
  const { api } = useApp();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [again, setAgain] = useState("");
  const [isBusy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string }>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setResult(undefined);
    try {
      const { signed_out_sessions } = await changePassword(api, { current_password: current, password: next, password_confirmation: again });
      setCurrent("");
      setNext("");
      setAgain("");
      const others = signed_out_sessions === 1 ? "1 other session was" : `${signed_out_sessions} other sessions were`;
      setResult({ ok: true, text: `Password changed; ${others} signed out.` });
    } catch (caught) {
      setResult({ ok: false, text: (caught as Error).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(event) => void submit(event)} aria-label="Change password">
      <Field label="Current password" type="password" autoComplete="current-password" required value={current} onChange={(event) => setCurrent(event.target.value)} />
      <Field label="New password" hint="At least 8 characters." type="password" autoComplete="new-password" required minLength={8} value={next} onChange={(event) => setNext(event.target.value)} />
      <Field label="New password again" type="password" autoComplete="new-password" required value={again} onChange={(event) => setAgain(event.target.value)} />
      {result && <p role={result.ok ? "status" : "alert"}>{result.text}</p>}
      <button type="submit" className="primary" disabled={isBusy}>
        Change password
      </button>
    </form>
  );
}
