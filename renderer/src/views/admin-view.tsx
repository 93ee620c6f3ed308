import { useApp } from "../app-context.ts";
import { AdminAccountsPanel } from "../components/admin-accounts-panel.tsx";
import { AdminReportsPanel } from "../components/admin-reports-panel.tsx";
import { Link } from "../components/link.tsx";
import type { Route } from "../router.ts";

export type AdminSection = Extract<Route, { name: "admin" }>["section"];

/** Whether the signed-in account is staff: the owner or a moderator. The server's role guard is the real check. */
export function isStaff(role: { name: string } | null | undefined): boolean {
  return role?.name === "Owner" || role?.name === "Moderator";
}

/** The owner's and moderators' Admin: accounts and reports here, invites and domain blocks in Settings. */
export function AdminView({ section }: { section: AdminSection }) {
  const { me, isOwner } = useApp();
  if (!isStaff(me.role)) {
    return (
      <section className="column">
        <h1>Admin</h1>
        <p>Only the owner and moderators of this server see its admin.</p>
      </section>
    );
  }
  return (
    <section className="column settings admin" aria-labelledby="admin-title">
      <header className="column-header">
        <h1 id="admin-title">Admin</h1>
      </header>
      <nav className="admin-tabs" aria-label="Admin sections">
        <Link to={{ name: "admin", section: "accounts" }} aria-current={section === "accounts" ? "page" : undefined}>
          Accounts
        </Link>
        <Link to={{ name: "admin", section: "reports" }} aria-current={section === "reports" ? "page" : undefined}>
          Reports
        </Link>
        {isOwner && <Link to="/settings#invites-title">Invites</Link>}
        <Link to="/settings#domain-blocks-title">Domain blocks</Link>
      </nav>
      <section className="card" aria-labelledby="admin-section-title">
        <h2 id="admin-section-title">{section === "accounts" ? "Accounts" : "Reports"}</h2>
        {section === "accounts" ? <AdminAccountsPanel /> : <AdminReportsPanel />}
      </section>
    </section>
  );
}
