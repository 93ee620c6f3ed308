import { useCallback, useEffect, useState, type FormEvent } from "react";
import { beginTwoFactor, confirmTwoFactor, disableTwoFactor, getTwoFactor, type TwoFactorSetup, type TwoFactorStatus } from "../api/hearth.ts";
import { useApp } from "../app-context.ts";
import { Field } from "./field.tsx";

type Step = { kind: "status" } | { kind: "scan"; setup: TwoFactorSetup } | { kind: "recovery"; codes: string[] };

/** TOTP two-factor sign-in: set up (password, scan, first code, recovery codes shown once) and turn off (password and code). */
export function TwoFactorPanel() {
  const { api } = useApp();
  const [status, setStatus] = useState<TwoFactorStatus>();
  const [step, setStep] = useState<Step>({ kind: "status" });
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [error, setError] = useState<string>();
  const [isBusy, setBusy] = useState(false);

  const reload = useCallback(() => {
    getTwoFactor(api)
      .then(setStatus)
      .catch((caught: unknown) => setError((caught as Error).message));
  }, [api]);
  useEffect(reload, [reload]);

  const run = (work: () => Promise<void>) => async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const begin = run(async () => {
    const setup = await beginTwoFactor(api, password);
    setPassword("");
    setStep({ kind: "scan", setup });
  });
  const confirm = run(async () => {
    const { recovery_codes } = await confirmTwoFactor(api, code);
    setCode("");
    setStep({ kind: "recovery", codes: recovery_codes });
  });
  const disable = run(async () => {
    await disableTwoFactor(api, password, code);
    setPassword("");
    setCode("");
    reload();
  });

  const alert = error && <p role="alert">{error}</p>;
  if (step.kind === "scan") {
    return (
      <form onSubmit={(event) => void confirm(event)} aria-label="Confirm two-factor sign-in">
        <p>Scan this code with an authenticator app (Aegis, 2FAS, Google Authenticator, 1Password…), or type the key into it.</p>
        <img className="qr-code" src={step.setup.qr_code} alt="QR code for your authenticator app" width={200} height={200} />
        <p>
          Key: <code aria-label="Two-factor key">{step.setup.secret}</code>
        </p>
        <Field label="Code from the app" inputMode="numeric" autoComplete="one-time-code" required value={code} onChange={(event) => setCode(event.target.value)} />
        {alert}
        <button type="submit" className="primary" disabled={isBusy}>
          Turn on
        </button>{" "}
        <button type="button" onClick={() => setStep({ kind: "status" })}>
          Cancel
        </button>
      </form>
    );
  }
  if (step.kind === "recovery") {
    return (
      <div>
        <p role="status">Two-factor sign-in is on.</p>
        <p>
          Keep these recovery codes somewhere safe: each signs you in once if you lose your phone. They are shown only now.
        </p>
        <ol className="recovery-codes" aria-label="Recovery codes">
          {step.codes.map((recovery) => (
            <li key={recovery}>
              <code>{recovery}</code>
            </li>
          ))}
        </ol>
        <button
          type="button"
          className="primary"
          onClick={() => {
            setStep({ kind: "status" });
            reload();
          }}
        >
          I have saved them
        </button>
      </div>
    );
  }
  if (!status) return alert || <span className="spinner" role="progressbar" aria-label="Loading" />;
  if (!status.enabled) {
    return (
      <form onSubmit={(event) => void begin(event)} aria-label="Set up two-factor sign-in">
        <p>Two-factor sign-in is off. With it on, signing in asks for a code from an app on your phone after your password.</p>
        <Field label="Password" type="password" autoComplete="current-password" required value={password} onChange={(event) => setPassword(event.target.value)} />
        {alert}
        <button type="submit" className="primary" disabled={isBusy}>
          Set up two-factor sign-in
        </button>
      </form>
    );
  }
  return (
    <form onSubmit={(event) => void disable(event)} aria-label="Turn off two-factor sign-in">
      <p>
        Two-factor sign-in is on; {status.recovery_codes_left} recovery code{status.recovery_codes_left === 1 ? "" : "s"} left.
      </p>
      <Field label="Password" type="password" autoComplete="current-password" required value={password} onChange={(event) => setPassword(event.target.value)} />
      <Field label="Code from the app, or a recovery code" autoComplete="one-time-code" required value={code} onChange={(event) => setCode(event.target.value)} />
      {alert}
      <button type="submit" disabled={isBusy}>
        Turn off two-factor sign-in
      </button>
    </form>
  );
}
