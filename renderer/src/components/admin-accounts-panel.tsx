import { useCallback, useEffect, useState, type FormEvent } from "react";
import {
  actOnAccount,
  changeMemberRole,
  deleteAdminAccount,
  getMembers,
  resetMemberPassword,
  searchAdminAccounts,
  undoOnAccount,
  type AccountOrigin,
  type AccountSearch,
  type AccountState,
  type AdminAccount,
  type Member,
} from "../api/admin.ts";
import { useApp } from "../app-context.ts";
import { byteSize } from "../text/byte-size.ts";
import { Avatar } from "./avatar.tsx";
import { Link } from "./link.tsx";

const STATES: Array<[AccountState | "", string]> = [
  ["", "Any state"],
  ["active", "Active"],
  ["suspended", "Suspended"],
  ["silenced", "Limited"],
  ["disabled", "Sign-in disabled"],
];
const ORIGINS: Array<[AccountOrigin | "", string]> = [
  ["", "Local and remote"],
  ["local", "Local"],
  ["remote", "Remote"],
];

function stateWords(account: AdminAccount): string {
  const words = [account.suspended && "Suspended", account.silenced && "Limited", account.disabled && "Sign-in disabled"].filter(Boolean);
  return words.length > 0 ? words.join(" · ") : "Active";
}

function acctOf(account: AdminAccount): string {
  return account.domain ? `${account.username}@${account.domain}` : account.username;
}

/** A member's new password: one the owner types, or one the server makes and shows here once. */
function PasswordReset({ account, onError }: { account: AdminAccount; onError(message: string): void }) {
  const { api } = useApp();
  const [isOpen, setOpen] = useState(false);
  const [password, setPassword] = useState("");
  const [outcome, setOutcome] = useState<{ password?: string; sessions: string }>();
  const reset = async (event: FormEvent | undefined, typed: string | undefined) => {
    event?.preventDefault();
    try {
      const answer = await resetMemberPassword(api, account.id, typed);
      const sessions = `${answer.signed_out_sessions} session${answer.signed_out_sessions === 1 ? "" : "s"} signed out`;
      setOutcome(answer.password ? { password: answer.password, sessions } : { sessions });
      setPassword("");
      setOpen(false);
    } catch (caught) {
      onError((caught as Error).message);
    }
  };
  return (
    <>
      {isOpen ? (
        <form className="inline-form" onSubmit={(event) => void reset(event, password)} aria-label={`New password for @${account.username}`}>
          <input type="password" autoComplete="new-password" aria-label="New password" value={password} minLength={8} onChange={(event) => setPassword(event.target.value)} />
          <button type="submit" disabled={password.length === 0}>
            Set
          </button>
          <button type="button" onClick={() => void reset(undefined, undefined)}>
            Generate one
          </button>
          <button type="button" className="quiet" onClick={() => setOpen(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <button type="button" onClick={() => setOpen(true)}>
          Reset password
        </button>
      )}
      {outcome && (
        <p role="status">
          {outcome.password ? (
            <>
              New password for @{account.username}: <code>{outcome.password}</code> (shown once; {outcome.sessions}).
            </>
          ) : (
            `Password set; ${outcome.sessions}.`
          )}
        </p>
      )}
    </>
  );
}

/** One account's row: who, role, state, storage, and what the viewer may do to it. */
function AccountRow({ account, member, onChanged, onError }: { account: AdminAccount; member: Member | undefined; onChanged(): void; onError(message: string): void }) {
  const { api, me, isOwner } = useApp();
  const [isConfirmingDelete, setConfirmingDelete] = useState(false);
  const isLocal = account.domain === null;
  const isSelf = account.id === me.id;
  const isTheOwner = account.role?.name === "Owner";
  const mayAct = !isSelf && !isTheOwner;
  const act = (work: Promise<unknown>) => work.then(onChanged, (caught: unknown) => onError((caught as Error).message));
  const name = account.account.display_name || account.username;
  return (
    <tr aria-label={`@${acctOf(account)}`} className={isOwner ? undefined : "admin-no-storage"}>
      <th scope="row">
        <Link to={{ name: "profile", acct: acctOf(account) }} className="admin-account">
          <Avatar account={account.account} size={32} />
          <span>
            <strong>{name}</strong>
            <span className="muted">@{acctOf(account)}</span>
          </span>
        </Link>
      </th>
      <td>
        {isOwner && isLocal && !isTheOwner && member ? (
          <select
            aria-label={`Role of @${account.username}`}
            value={member.role}
            onChange={(event) => void act(changeMemberRole(api, account.id, event.target.value as "moderator" | "member"))}
          >
            <option value="member">Member</option>
            <option value="moderator">Moderator</option>
          </select>
        ) : (
          (account.role?.name || (isLocal ? "Member" : "Remote"))
        )}
      </td>
      <td className="admin-state">{stateWords(account)}</td>
      {isOwner && <td className="admin-storage">{isLocal && member ? byteSize(member.storage_bytes) : "—"}</td>}
      <td className="admin-actions">
        {mayAct && (
          <>
            {account.suspended ? (
              <button type="button" onClick={() => void act(undoOnAccount(api, account.id, "unsuspend"))}>
                Unsuspend
              </button>
            ) : (
              <button type="button" className="danger" onClick={() => void act(actOnAccount(api, account.id, "suspend"))}>
                Suspend
              </button>
            )}
            {account.silenced ? (
              <button type="button" onClick={() => void act(undoOnAccount(api, account.id, "unsilence"))}>
                Unlimit
              </button>
            ) : (
              <button type="button" onClick={() => void act(actOnAccount(api, account.id, "silence"))}>
                Limit
              </button>
            )}
            {isLocal &&
              (account.disabled ? (
                <button type="button" onClick={() => void act(undoOnAccount(api, account.id, "enable"))}>
                  Enable sign-in
                </button>
              ) : (
                <button type="button" onClick={() => void act(actOnAccount(api, account.id, "disable"))}>
                  Disable sign-in
                </button>
              ))}
            {isOwner && isLocal && <PasswordReset account={account} onError={onError} />}
            {isOwner && isLocal && account.suspended &&
              (isConfirmingDelete ? (
                <span role="group" aria-label={`Delete @${account.username}?`}>
                  <span className="danger-text">Delete @{account.username} and everything they posted, for good?</span>{" "}
                  <button type="button" className="danger" onClick={() => void act(deleteAdminAccount(api, account.id))}>
                    Delete for good
                  </button>
                  <button type="button" className="quiet" onClick={() => setConfirmingDelete(false)}>
                    Cancel
                  </button>
                </span>
              ) : (
                <button type="button" onClick={() => setConfirmingDelete(true)}>
                  Delete…
                </button>
              ))}
          </>
        )}
      </td>
    </tr>
  );
}

/** Accounts, local and remote: search by name, filter by origin and state, and moderate each one. */
export function AdminAccountsPanel() {
  const { api, isOwner } = useApp();
  const [text, setText] = useState("");
  const [origin, setOrigin] = useState<AccountOrigin | "">("local");
  const [state, setState] = useState<AccountState | "">("");
  const [search, setSearch] = useState<AccountSearch>({ text: "", origin: "local" });
  const [accounts, setAccounts] = useState<AdminAccount[]>();
  const [members, setMembers] = useState<Map<string, Member>>(new Map());
  const [error, setError] = useState<string>();

  const reload = useCallback(() => {
    setError(undefined);
    searchAdminAccounts(api, search)
      .then(setAccounts)
      .catch((caught: unknown) => setError((caught as Error).message));
    // Roles and storage are the owner's (manageRoles): a moderator's list goes without them.
    if (isOwner) {
      getMembers(api)
        .then((list) => setMembers(new Map(list.map((member) => [member.account.id, member]))))
        .catch((caught: unknown) => setError((caught as Error).message));
    }
  }, [api, search, isOwner]);
  useEffect(reload, [reload]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSearch({ text, origin: origin || undefined, state: state || undefined });
  };

  return (
    <>
      <form className="admin-filters" role="search" aria-label="Find accounts" onSubmit={submit}>
        <input type="search" aria-label="Username or display name" placeholder="Username or display name" value={text} onChange={(event) => setText(event.target.value)} />
        <select aria-label="Origin" value={origin} onChange={(event) => setOrigin(event.target.value as AccountOrigin | "")}>
          {ORIGINS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <select aria-label="State" value={state} onChange={(event) => setState(event.target.value as AccountState | "")}>
          {STATES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <button type="submit">Search</button>
      </form>
      {error && <p role="alert">{error}</p>}
      {accounts === undefined ? (
        <span className="spinner" role="progressbar" aria-label="Loading" />
      ) : accounts.length === 0 ? (
        <p>No account matches.</p>
      ) : (
        <div className="admin-table">
          <table aria-label="Accounts">
            <thead>
              <tr className={isOwner ? undefined : "admin-no-storage"}>
                <th scope="col">Account</th>
                <th scope="col">Role</th>
                <th scope="col">State</th>
                {isOwner && <th scope="col">Storage</th>}
                <th scope="col" className="admin-actions">
                  Actions
                </th>
              </tr>
            </thead>
            <tbody>
              {accounts.map((account) => (
                <AccountRow key={account.id} account={account} member={members.get(account.id)} onChanged={reload} onError={setError} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
