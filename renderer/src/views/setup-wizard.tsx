import { useState, type FormEvent } from "react";
import { setUpOwner } from "../api/hearth.ts";
import { ApiError, createApiClient } from "../api/http.ts";
import { goToSignIn } from "./sign-in-page.tsx";
import { Field } from "../components/field.tsx";
import { WizardSteps } from "../components/wizard-steps.tsx";

const PASSWORD_MIN = 8;

/**
 * The first run on an empty data directory: the owner's account. Signing in (OAuth, like any app) and the
 * choice of how people reach this server follow, on /welcome.
 */
export function SetupWizard({ onSetUp }: { onSetUp(): void }) {
  const [displayName, setDisplayName] = useState("");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [confirmation, setConfirmation] = useState("");
  const [error, setError] = useState<string>();
  const [isBusy, setBusy] = useState(false);
  const [created, setCreated] = useState<string>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    if (password !== confirmation) {
      setError("The two passwords differ; type the same password twice.");
      return;
    }
    setBusy(true);
    try {
      const { account } = await setUpOwner(createApiClient(), { username: username.trim(), password, display_name: displayName.trim() || undefined });
      setCreated(account.acct);
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 409) onSetUp();
      else setError((caught as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const continueToSignIn = async () => {
    setBusy(true);
    try {
      await goToSignIn("/welcome");
    } catch (caught) {
      setError((caught as Error).message);
      setBusy(false);
    }
  };

  if (created) {
    return (
      <main className="centered">
        <section className="card narrow" aria-labelledby="wizard-title">
          <WizardSteps current={2} />
          <h1 id="wizard-title">Your account is ready</h1>
          <p>
            You are <strong>@{created}</strong>. Now sign in with the password you just chose, the same way any Mastodon app on your phone
            will ask you to.
          </p>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <button type="button" className="primary wide" onClick={() => void continueToSignIn()} disabled={isBusy} autoFocus>
            Continue to sign in
          </button>
        </section>
      </main>
    );
  }

  return (
    <main className="centered">
      <section className="card narrow" aria-labelledby="wizard-title">
        <WizardSteps current={1} />
        <h1 id="wizard-title">Welcome to Hearth</h1>
        <p>Hearth runs your own place in the fediverse from this computer. First, the account that owns it: yours.</p>
        <form onSubmit={(event) => void submit(event)} className="stack">
          <Field label="Your name, as people see it" value={displayName} onChange={(event) => setDisplayName(event.target.value)} maxLength={30} autoComplete="name" autoFocus />
          <Field
            label="Username"
            hint="Letters, digits and underscores. It becomes part of your address (@username@your-address) and cannot be changed."
            value={username}
            onChange={(event) => setUsername(event.target.value)}
            required
            maxLength={30}
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
          />
          <Field
            label="Password"
            hint={`At least ${PASSWORD_MIN} characters. Anyone who reaches your address can try it, so make it a long one.`}
            type="password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            required
            minLength={PASSWORD_MIN}
            autoComplete="new-password"
          />
          <Field label="The password again" type="password" value={confirmation} onChange={(event) => setConfirmation(event.target.value)} required autoComplete="new-password" />
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="primary wide" disabled={isBusy}>
            {isBusy ? "Creating your account…" : "Create my account"}
          </button>
        </form>
      </section>
    </main>
  );
}
