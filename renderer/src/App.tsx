import { useEffect, useState } from "react";
import { fetchServerStatus, type ServerStatus } from "./server-status.ts";

type Load = { state: "loading" } | { state: "ready"; status: ServerStatus } | { state: "failed"; reason: string };

/** The plain page until the client UI arrives: it says whether the server is up and set up. */
export function App() {
  const [load, setLoad] = useState<Load>({ state: "loading" });

  useEffect(() => {
    const controller = new AbortController();
    fetchServerStatus(controller.signal)
      .then((status) => setLoad({ state: "ready", status }))
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setLoad({ state: "failed", reason: (error as Error).message });
      });
    return () => controller.abort();
  }, []);

  return (
    <main>
      <h1>Hearth</h1>
      <p role="status">
        {load.state === "loading" && "Asking the server…"}
        {load.state === "failed" && `The server cannot be reached: ${load.reason}`}
        {load.state === "ready" &&
          (load.status.setUp
            ? "Hearth is running. Sign in from any Mastodon app with this server's address."
            : "Hearth is running but not set up yet: run `hearth setup` to create the owner account.")}
      </p>
    </main>
  );
}
