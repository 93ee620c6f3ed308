import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import { changeTunnel, getTunnel, type TunnelMode, type TunnelStatus } from "../api/hearth.ts";
import { NetworkError } from "../api/http.ts";
import { useApp } from "../app-context.ts";

// The status changes as cloudflared connects; the page asks this often while it is open.
const REFRESH_MS = 2_000;

const STATE_WORDS: Record<string, string> = {
  off: "Off: only this computer can reach Hearth.",
  starting: "Connecting…",
  connected: "Connected",
  reconnecting: "Reconnecting…",
  failed: "Not connected",
};

export function AddressExplanation() {
  return (
    <div className="explain" id="why-address-stays">
      <h4>Why your address must never change</h4>
      <p>
        In the fediverse, your address <em>is</em> you. Other servers know you as <strong>@you@your-address</strong>: that is where they deliver
        replies, where your followers follow you, and what your posts point back to.
      </p>
      <p>
        If the address changed, every server would see a stranger: your followers would be left following an address that no longer answers, and
        links to your posts would break. So Hearth fixes the address the first time it is published, and will not change it by a setting. Choose a
        hostname you will keep for years, on a domain you own.
      </p>
    </div>
  );
}

/**
 * How people reach this server: off, a quick try-out address, or a named tunnel with the owner's own
 * hostname. The live state comes from /api/hearth/tunnel.
 */
export function TunnelPanel({ onSaved }: { onSaved?(status: TunnelStatus): void }) {
  const { api, isOnline, refreshAccount } = useApp();
  const publicUrl = useRef<string | null | undefined>(undefined);
  const [status, setStatus] = useState<TunnelStatus>();
  const [mode, setMode] = useState<TunnelMode>("off");
  const [hostname, setHostname] = useState("");
  const [token, setToken] = useState("");
  const [error, setError] = useState<string>();
  const [isBusy, setBusy] = useState(false);
  const [hasEdited, setEdited] = useState(false);

  const refresh = useCallback(async () => {
    try {
      const answer = await getTunnel(api);
      setStatus(answer);
      // A new public address changes every URL the server hands out, our own avatar's among them.
      if (publicUrl.current !== undefined && publicUrl.current !== answer.public_url) void refreshAccount();
      publicUrl.current = answer.public_url;
      if (!hasEdited) {
        setMode(answer.mode);
        setHostname(answer.hostname ?? "");
      }
    } catch (caught) {
      if (!(caught instanceof NetworkError)) setError((caught as Error).message);
    }
  }, [api, hasEdited, refreshAccount]);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const change = mode === "named" ? { mode, hostname: hostname.trim(), ...(token.trim() ? { token: token.trim() } : {}) } : { mode };
      const answer = await changeTunnel(api, change);
      setStatus(answer);
      setToken("");
      setEdited(false);
      onSaved?.(answer);
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const choose = (next: TunnelMode) => {
    setMode(next);
    setEdited(true);
  };

  // A named tunnel's address is fixed once used: offering another hostname would only earn a refusal.
  const isAddressFixed = status?.mode === "named" && status.hostname !== null;

  return (
    <div className="tunnel-panel">
      {status && (
        <div className={`tunnel-status state-${status.state}`} role="status" aria-live="polite">
          <p>
            <strong>{STATE_WORDS[status.state] ?? status.state}</strong>
            {status.state === "connected" && status.public_url && (
              <>
                {" "}
                at{" "}
                <a href={status.public_url} target="_blank" rel="noopener noreferrer">
                  {status.public_url}
                </a>
              </>
            )}
          </p>
          {status.reason && <p className="muted">{status.reason}</p>}
          {status.warning && <p className="warning-text">{status.warning}</p>}
          {status.state === "connected" && <p className="muted small">{status.connections} connections to Cloudflare.</p>}
        </div>
      )}
      <form onSubmit={(event) => void save(event)} className="stack">
        <fieldset>
          <legend>How people reach your Hearth</legend>
          <div className="choice">
            <input type="radio" id="tunnel-mode-off" name="tunnel-mode" value="off" checked={mode === "off"} onChange={() => choose("off")} aria-describedby="tunnel-mode-off-hint" />
            <div>
              <label htmlFor="tunnel-mode-off">Only this computer, for now</label>
              <span className="hint" id="tunnel-mode-off-hint">
                Nobody else can reach you, follow you or read your posts yet. You can choose later.
              </span>
            </div>
          </div>
          <div className="choice">
            <input type="radio" id="tunnel-mode-quick" name="tunnel-mode" value="quick" checked={mode === "quick"} onChange={() => choose("quick")} aria-describedby="tunnel-mode-quick-hint" />
            <div>
              <label htmlFor="tunnel-mode-quick">A try-out address</label>
              <span className="hint" id="tunnel-mode-quick-hint">
                Cloudflare lends a random address (like https://some-words.trycloudflare.com) with no account needed. It changes every time Hearth starts, and everyone who followed you there loses you. Good for a look around, not for keeps.
              </span>
            </div>
          </div>
          <div className="choice">
            <input type="radio" id="tunnel-mode-named" name="tunnel-mode" value="named" checked={mode === "named"} onChange={() => choose("named")} aria-describedby="tunnel-mode-named-hint" />
            <div>
              <label htmlFor="tunnel-mode-named">My own address (a named tunnel)</label>
              <span className="hint" id="tunnel-mode-named-hint">
                Your own hostname, like social.example.com, through a free Cloudflare tunnel. This is the lasting choice.
              </span>
            </div>
          </div>
        </fieldset>
        {mode === "named" && (
          <div className="named-tunnel">
            <AddressExplanation />
            <ol className="steps small">
              <li>In the Cloudflare dashboard (Zero Trust → Networks → Tunnels), create a tunnel and copy its token.</li>
              <li>
                Add a public hostname to it that points to <code>{status?.local_service_url ?? "this computer"}</code>.
              </li>
              <li>Paste the token and the hostname here.</li>
            </ol>
            <label>
              Tunnel token
              <input
                type="password"
                value={token}
                onChange={(event) => {
                  setToken(event.target.value);
                  setEdited(true);
                }}
                placeholder={status?.has_token ? "Saved (paste a new one to replace it)" : "eyJ…"}
                autoComplete="off"
                spellCheck={false}
              />
            </label>
            <label>
              Public hostname
              <input
                value={hostname}
                onChange={(event) => {
                  setHostname(event.target.value);
                  setEdited(true);
                }}
                placeholder="social.example.com"
                readOnly={isAddressFixed}
                aria-describedby="why-address-stays"
                autoCapitalize="none"
                spellCheck={false}
              />
            </label>
            {isAddressFixed && <p className="muted small">This address is fixed: it is who you are to your followers.</p>}
          </div>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={isBusy || !isOnline}>
          {isBusy ? "Saving…" : "Save and connect"}
        </button>
      </form>
    </div>
  );
}
