import { useState, type FormEvent } from "react";
import { cancelMove, moveAccount, setAliases } from "../api/mastodon.ts";
import { useApp } from "../app-context.ts";

const MAX_ALIASES = 20;

/** Moving in: the accounts elsewhere this one says it also is, so that they may move here. */
function AliasesForm() {
  const { api, me, setMe, announce, isOnline } = useApp();
  const [aliases, setAliasList] = useState<string[]>(() => me.source.also_known_as_uris ?? []);
  const [draft, setDraft] = useState("");
  const [error, setError] = useState<string>();
  const [isBusy, setBusy] = useState(false);

  const save = async (next: string[]) => {
    setBusy(true);
    setError(undefined);
    try {
      const updated = await setAliases(api, next);
      setMe(updated);
      setAliasList(updated.source.also_known_as_uris ?? []);
      setDraft("");
      announce("Your aliases were saved.");
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const add = (event: FormEvent) => {
    event.preventDefault();
    if (draft.trim() !== "") void save([...aliases, draft.trim()]);
  };

  return (
    <form className="stack" onSubmit={add} aria-label="Aliases">
      <h3>Move here from another account</h3>
      <p className="hint">
        Name the old account (as @name@server or its address). Hearth checks that it exists and tells its server at once; then start the move
        from the old account's settings there.
      </p>
      {aliases.length > 0 ? (
        <ul className="alias-list">
          {aliases.map((alias) => (
            <li key={alias}>
              <code>{alias}</code>{" "}
              <button type="button" className="quiet" disabled={isBusy || !isOnline} onClick={() => void save(aliases.filter((item) => item !== alias))}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p>No aliases.</p>
      )}
      <label>
        Old account
        <input value={draft} placeholder="@name@example.social" onChange={(event) => setDraft(event.target.value)} disabled={aliases.length >= MAX_ALIASES} />
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" disabled={isBusy || !isOnline || draft.trim() === "" || aliases.length >= MAX_ALIASES}>
        {isBusy ? "Checking…" : "Add alias"}
      </button>
    </form>
  );
}

/** Moving out: this account points to a new one, and its followers go there. */
function MoveForm() {
  const { api, me, setMe, announce, isOnline } = useApp();
  const [target, setTarget] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string>();
  const [isBusy, setBusy] = useState(false);

  const act = async (work: () => Promise<Awaited<ReturnType<typeof cancelMove>>>, said: string) => {
    setBusy(true);
    setError(undefined);
    try {
      setMe(await work());
      setPassword("");
      announce(said);
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const move = (event: FormEvent) => {
    event.preventDefault();
    void act(() => moveAccount(api, target.trim(), password), "Your account has moved.");
  };

  const errorLine = error && (
    <p className="error" role="alert">
      {error}
    </p>
  );

  if (me.moved) {
    return (
      <div className="stack" aria-label="Move">
        <h3>This account has moved</h3>
        <p>
          It points to <strong>@{me.moved.acct}</strong>. Undoing the move makes this account usable again; followers who went to the new
          account stay there, and another move is possible only 30 days after the last one.
        </p>
        {errorLine}
        <button type="button" disabled={isBusy || !isOnline} onClick={() => void act(() => cancelMove(api), "The move was undone.")}>
          Undo the move
        </button>
      </div>
    );
  }

  return (
    <form className="stack" onSubmit={move} aria-label="Move">
      <h3>Move this account elsewhere</h3>
      <p className="hint">First add this account as an alias of the new one, on the new account's server. Then, when you move:</p>
      <ul className="consequences">
        <li>your followers here and on other servers are asked to follow the new account instead;</li>
        <li>this profile says where you went, and this account can no longer post, follow, boost or favourite;</li>
        <li>your posts stay here and are not moved: export them first if you want them;</li>
        <li>you can still read, export or delete this account, and undo the move, but not move again for 30 days.</li>
      </ul>
      <label>
        New account
        <input value={target} placeholder="@name@example.social" required onChange={(event) => setTarget(event.target.value)} />
      </label>
      <label>
        Your password
        <input type="password" value={password} autoComplete="current-password" required onChange={(event) => setPassword(event.target.value)} />
      </label>
      {errorLine}
      <button type="submit" className="danger" disabled={isBusy || !isOnline || target.trim() === "" || password === ""}>
        {isBusy ? "Moving…" : "Move this account"}
      </button>
    </form>
  );
}

/** Settings → Move: aliases (moving in) and the move itself (moving out). */
export function MovePanel() {
  return (
    <div className="stack">
      <AliasesForm />
      <MoveForm />
    </div>
  );
}
