import { useState } from "react";
import type { Status } from "../api/entities.ts";
import { actOnStatus, deleteStatus, type StatusAction } from "../api/mastodon.ts";
import { useApp } from "../app-context.ts";
import { emitStatusEvent } from "../state/local-events.ts";
import { navigate } from "../router.ts";
import { Icon } from "./icons.tsx";
import { Menu, type MenuItem } from "./menu.tsx";
import { ConfirmDialog } from "./modal.tsx";

type Toggle = "favourited" | "reblogged" | "bookmarked";

const COUNTS: Partial<Record<Toggle, "favourites_count" | "reblogs_count">> = { favourited: "favourites_count", reblogged: "reblogs_count" };

function toggled(status: Status, field: Toggle, on: boolean): Status {
  const count = COUNTS[field];
  const changed: Status = { ...status, [field]: on };
  if (count) changed[count] = Math.max(0, status[count] + (on ? 1 : -1));
  return changed;
}

/** Reply, boost, like, bookmark and the rest, on the post itself (for a boost: on the boosted post). */
export function StatusActions({ status }: { status: Status }) {
  const { api, me, openCompose, announce, isOnline } = useApp();
  const [confirming, setConfirming] = useState<"delete" | "redraft">();
  const isOwn = status.account.id === me.id;
  // Followers-only and direct posts cannot be boosted by others (Mastodon's rule); one's own followers-only may be.
  const canBoost = status.visibility === "public" || status.visibility === "unlisted" || (isOwn && status.visibility === "private");

  const toggle = async (field: Toggle, on: StatusAction, off: StatusAction, words: [string, string]) => {
    const isOn = status[field] ?? false;
    emitStatusEvent({ type: "updated", status: toggled(status, field, !isOn) });
    try {
      const answer = await actOnStatus(api, status.id, isOn ? off : on);
      // A reblog answers with the boost wrapping the post: what changed is the post.
      emitStatusEvent({ type: "updated", status: answer.reblog && field === "reblogged" ? answer.reblog : answer });
      announce(isOn ? words[1] : words[0]);
    } catch (error) {
      emitStatusEvent({ type: "updated", status });
      announce(`That did not work: ${(error as Error).message}`);
    }
  };

  const remove = async (redraft: boolean) => {
    setConfirming(undefined);
    try {
      const deleted = await deleteStatus(api, status.id);
      emitStatusEvent({ type: "deleted", id: status.id });
      announce("Post deleted.");
      if (redraft) openCompose({ redraft: { ...status, text: deleted.text ?? null } });
    } catch (error) {
      announce(`The post was not deleted: ${(error as Error).message}`);
    }
  };

  const items: MenuItem[] = [
    { label: "Open thread", onSelect: () => navigate({ name: "status", acct: status.account.acct, id: status.id }) },
    {
      label: "Copy link to post",
      onSelect: () => {
        void navigator.clipboard?.writeText(status.url ?? status.uri).then(() => announce("Link copied."));
      },
    },
  ];
  // Mastodon 4.4 lets public and quiet-public posts be quoted.
  if (status.visibility === "public" || status.visibility === "unlisted") items.push({ label: "Quote", onSelect: () => openCompose({ quote: status }) });
  if (status.url && !isOwn) items.push({ label: "Open original page", onSelect: () => window.open(status.url ?? "", "_blank", "noopener") });
  if (isOwn) {
    items.push(
      { label: "Edit", onSelect: () => openCompose({ editing: status }) },
      { label: "Delete and redraft", onSelect: () => setConfirming("redraft"), isDangerous: true },
      { label: "Delete", onSelect: () => setConfirming("delete"), isDangerous: true },
    );
  }

  return (
    <div className="status-actions" role="group" aria-label="Actions">
      <button type="button" className="icon-button reply" onClick={() => openCompose({ replyTo: status })} aria-label={`Reply, ${status.replies_count} replies`}>
        <Icon name="reply" />
        <span aria-hidden="true">{status.replies_count || ""}</span>
      </button>
      <button
        type="button"
        className="icon-button boost"
        aria-pressed={status.reblogged ?? false}
        disabled={!canBoost || !isOnline}
        title={canBoost ? undefined : "This post cannot be boosted"}
        onClick={() => void toggle("reblogged", "reblog", "unreblog", ["Boosted.", "Boost undone."])}
        aria-label={`Boost, ${status.reblogs_count} boosts`}
      >
        <Icon name="boost" />
        <span aria-hidden="true">{status.reblogs_count || ""}</span>
      </button>
      <button
        type="button"
        className="icon-button favourite"
        aria-pressed={status.favourited ?? false}
        disabled={!isOnline}
        onClick={() => void toggle("favourited", "favourite", "unfavourite", ["Liked.", "Like undone."])}
        aria-label={`Like, ${status.favourites_count} likes`}
      >
        <Icon name="star" />
        <span aria-hidden="true">{status.favourites_count || ""}</span>
      </button>
      <button
        type="button"
        className="icon-button bookmark"
        aria-pressed={status.bookmarked ?? false}
        disabled={!isOnline}
        onClick={() => void toggle("bookmarked", "bookmark", "unbookmark", ["Bookmarked.", "Bookmark removed."])}
        aria-label="Bookmark"
      >
        <Icon name="bookmark" />
      </button>
      <Menu label="More actions" icon={<Icon name="more" />} items={items} />
      {confirming && (
        <ConfirmDialog
          title={confirming === "delete" ? "Delete this post?" : "Delete and write it again?"}
          confirmLabel={confirming === "delete" ? "Delete" : "Delete and redraft"}
          isDangerous
          onConfirm={() => void remove(confirming === "redraft")}
          onCancel={() => setConfirming(undefined)}
        >
          <p>
            {confirming === "delete"
              ? "It disappears here and is removed from the servers it was sent to."
              : "It is deleted, with its likes and boosts, and its text opens in a new post."}
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
