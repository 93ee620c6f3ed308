import type { Account } from "../api/entities.ts";
import { sameServerUrl } from "../media-url.ts";
import { EmojiText } from "./emoji-text.tsx";

/**
 * An account's picture. Beside the name it belongs to, it says nothing the name does not, so its alt is
 * empty (as in Mastodon's own web UI); pass `label` where the picture stands alone.
 */
export function Avatar({ account, size = 46, label }: { account: Account; size?: number; label?: string }) {
  return (
    <img
      className="avatar"
      src={sameServerUrl(account.avatar_static || account.avatar)}
      alt={label ?? ""}
      width={size}
      height={size}
      loading="lazy"
      decoding="async"
    />
  );
}

export function DisplayName({ account }: { account: Account }) {
  return (
    <span className="display-name">
      <bdi className="name">{account.display_name.trim() ? <EmojiText text={account.display_name} emojis={account.emojis} /> : account.username}</bdi>
      <span className="acct muted">@{account.acct}</span>
    </span>
  );
}
