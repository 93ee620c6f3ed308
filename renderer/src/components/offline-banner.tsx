import { useSyncExternalStore } from "react";
import { useApp } from "../app-context.ts";

/** Says, for everyone and for screen readers, that the server is out of reach and what still works. */
export function OfflineBanner() {
  const { isOnline, connectivity, outbox } = useApp();
  const queued = useSyncExternalStore(
    (listener) => outbox.subscribe(listener),
    () => outbox.list(),
  );
  const waiting = queued.filter((post) => post.refusal === undefined).length;
  const refused = queued.filter((post) => post.refusal !== undefined);

  return (
    <>
      <div className="offline-banner" role="status" hidden={isOnline}>
        {!isOnline && (
          <>
            <strong>{connectivity.browserOnline ? "Hearth cannot be reached." : "You are offline."}</strong> Showing what was saved on this device.
            {waiting > 0 ? ` ${waiting === 1 ? "1 post waits" : `${waiting} posts wait`} to be sent when Hearth is back.` : " Posts you write will be sent when Hearth is back."}
          </>
        )}
      </div>
      {isOnline && waiting > 0 && (
        <div className="info-banner" role="status">
          Sending {waiting === 1 ? "1 post" : `${waiting} posts`} written offline…
        </div>
      )}
      {refused.map((post) => (
        <div className="error-banner" role="alert" key={post.key}>
          A post written offline was refused: {post.refusal} <q>{post.status.status.slice(0, 80)}</q>{" "}
          <button type="button" className="quiet" onClick={() => outbox.remove(post.key)}>
            Discard it
          </button>
        </div>
      ))}
    </>
  );
}
