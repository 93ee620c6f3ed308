import { useState } from "react";
import { useApp } from "../app-context.ts";
import { ProfileForm } from "../components/profile-form.tsx";
import { TunnelPanel } from "../components/tunnel-panel.tsx";
import { WizardSteps } from "../components/wizard-steps.tsx";
import { navigate } from "../router.ts";

/** The wizard's last step, once signed in: how people reach this server, and a face for the profile. */
export function WelcomeView() {
  const { me, isOwner } = useApp();
  const [hasChosen, setChosen] = useState(false);
  return (
    <main className="centered" id="main">
      <section className="card wide-card" aria-labelledby="welcome-title">
        <WizardSteps current={3} />
        <h1 id="welcome-title">Welcome, {me.display_name || me.username}</h1>
        {isOwner && (
          <>
            <h2>How people reach you</h2>
            <p>
              Hearth runs on this computer, which the rest of the internet cannot reach on its own. A Cloudflare tunnel gives it a public address
              without opening anything on your router.
            </p>
            <TunnelPanel onSaved={() => setChosen(true)} />
          </>
        )}
        <h2>Your picture</h2>
        <p className="muted">Optional: people recognise a face (or a cat) faster than a name.</p>
        <ProfileForm compact />
        <div className="actions end">
          <button type="button" className="primary" onClick={() => navigate("/", { replace: true })}>
            {hasChosen || !isOwner ? "Go to my home timeline" : "Skip for now and go home"}
          </button>
        </div>
      </section>
    </main>
  );
}
