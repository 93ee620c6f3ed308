import { useEffect, useState } from "react";
import { NetworkError } from "../api/http.ts";
import { followTag, getTag } from "../api/mastodon.ts";
import { useApp } from "../app-context.ts";

/** Follow or unfollow a hashtag: its posts from people one does not follow then come into Home too. */
export function TagFollowButton({ tag }: { tag: string }) {
  const { api, announce, isOnline } = useApp();
  const [isFollowing, setFollowing] = useState<boolean>();
  const [isBusy, setBusy] = useState(false);

  useEffect(() => {
    getTag(api, tag)
      .then((answer) => setFollowing(answer.following ?? false))
      .catch(() => undefined);
  }, [api, tag]);

  if (isFollowing === undefined) return null;
  const toggle = async () => {
    setBusy(true);
    try {
      const answer = await followTag(api, tag, !isFollowing);
      setFollowing(answer.following ?? !isFollowing);
      announce(answer.following ? `You follow #${tag}: its posts come into Home.` : `You no longer follow #${tag}.`);
    } catch (error) {
      announce(error instanceof NetworkError ? "Hearth cannot be reached; try again when it is back." : `That did not work: ${(error as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <button type="button" className={isFollowing ? undefined : "primary"} disabled={isBusy || !isOnline} onClick={() => void toggle()}>
      {isFollowing ? "Unfollow hashtag" : "Follow hashtag"}
    </button>
  );
}
