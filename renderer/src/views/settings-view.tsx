import { useEffect, useState } from "react";
import { getInstallationInfo, type InstallationInfo } from "../api/hearth.ts";
import { useApp } from "../app-context.ts";
import { ArchivePanel } from "../components/archive-panel.tsx";
import { BackupPanel } from "../components/backup-panel.tsx";
import { ProfileForm } from "../components/profile-form.tsx";
import { InvitesPanel } from "../components/invites-panel.tsx";
import { MovePanel } from "../components/move-panel.tsx";
import { PasswordForm } from "../components/password-form.tsx";
import { SessionsPanel } from "../components/sessions-panel.tsx";
import { TwoFactorPanel } from "../components/two-factor-panel.tsx";
import { DomainBlocksPanel } from "../components/domain-blocks-panel.tsx";
import { SignInFailures } from "../components/sign-in-failures.tsx";
import { TunnelPanel } from "../components/tunnel-panel.tsx";

function ThisComputer() {
  const { api } = useApp();
  const [info, setInfo] = useState<InstallationInfo>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    getInstallationInfo(api)
      .then(setInfo)
      .catch((caught: unknown) => setError((caught as Error).message));
  }, [api]);
  if (error) return <p role="alert">{error}</p>;
  if (!info) return <span className="spinner" role="progressbar" aria-label="Loading" />;
  return (
    <dl className="facts">
      <div>
        <dt>Data directory</dt>
        <dd>
          <code>{info.data_directory}</code>
          <span className="hint">Everything Hearth keeps (the database and media) is in this folder: back it up to keep your account safe.</span>
        </dd>
      </div>
      <div>
        <dt>Hearth version</dt>
        <dd>{info.version}</dd>
      </div>
    </dl>
  );
}

export function SettingsView() {
  const { isOwner, signOut, me } = useApp();
  // Admin links here to a section (#invites-title, #domain-blocks-title): the page opens at it.
  useEffect(() => {
    if (location.hash.length > 1) document.getElementById(decodeURIComponent(location.hash.slice(1)))?.scrollIntoView();
  }, []);
  // Domain blocks are a moderator's duty too (core/accounts/roles.ts: manageBlocks).
  const mayBlockDomains = isOwner || me.role?.name === "Moderator";
  return (
    <section className="column settings" aria-labelledby="settings-title">
      <header className="column-header">
        <h1 id="settings-title">Settings</h1>
      </header>
      <section className="card" aria-labelledby="profile-settings-title">
        <h2 id="profile-settings-title">Profile</h2>
        <ProfileForm key={me.id} />
      </section>
      <section className="card" aria-labelledby="move-settings-title">
        <h2 id="move-settings-title">Move</h2>
        <MovePanel />
      </section>
      <section className="card" aria-labelledby="security-title">
        <h2 id="security-title">Security</h2>
        <h3>Password</h3>
        <PasswordForm />
        <h3>Two-factor sign-in</h3>
        <TwoFactorPanel />
        <h3>Signed-in apps</h3>
        <SessionsPanel />
      </section>
      {isOwner && (
        <section className="card" aria-labelledby="tunnel-settings-title">
          <h2 id="tunnel-settings-title">Reachability</h2>
          <TunnelPanel />
        </section>
      )}
      {isOwner && (
        <section className="card" aria-labelledby="invites-title">
          <h2 id="invites-title">Invites</h2>
          <InvitesPanel />
        </section>
      )}
      {mayBlockDomains && (
        <section className="card" aria-labelledby="domain-blocks-title">
          <h2 id="domain-blocks-title">Domain blocks</h2>
          <DomainBlocksPanel />
        </section>
      )}
      {isOwner && (
        <section className="card" aria-labelledby="sign-in-failures-title">
          <h2 id="sign-in-failures-title">Failed sign-ins</h2>
          <SignInFailures />
        </section>
      )}
      {isOwner && (
        <section className="card" aria-labelledby="backups-title">
          <h2 id="backups-title">Backups</h2>
          <BackupPanel />
        </section>
      )}
      <section className="card" aria-labelledby="archive-title">
        <h2 id="archive-title">Your archive</h2>
        <ArchivePanel />
      </section>
      {isOwner && (
        <section className="card" aria-labelledby="computer-title">
          <h2 id="computer-title">This computer</h2>
          <ThisComputer />
        </section>
      )}
      <section className="card" aria-labelledby="account-title">
        <h2 id="account-title">Account</h2>
        <p>
          Signed in as <strong>@{me.acct}</strong>. The look follows your system's light or dark setting.
        </p>
        <button type="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </section>
    </section>
  );
}
