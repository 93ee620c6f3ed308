import { useState, type FormEvent } from "react";
import type { Poll } from "../api/entities.ts";
import { votePoll } from "../api/mastodon.ts";
import { useApp } from "../app-context.ts";
import { timeLeft } from "../text/relative-time.ts";
import { EmojiText } from "./emoji-text.tsx";
import { useNow } from "./time-ago.tsx";

/** A poll: a form while one may vote, the results once voted, closed, or one's own. */
export function PollView({ poll: initial, isOwn, onChange }: { poll: Poll; isOwn: boolean; onChange(poll: Poll): void }) {
  const { api, announce } = useApp();
  const now = useNow();
  const [poll, setPoll] = useState(initial);
  const [choices, setChoices] = useState<number[]>([]);
  // The post was edited or refreshed: its poll as it now is replaces what this view last knew.
  const [given, setGiven] = useState(initial);
  if (initial !== given) {
    setGiven(initial);
    setPoll(initial);
    setChoices([]);
  }
  const [isBusy, setBusy] = useState(false);
  const [showResults, setShowResults] = useState(false);
  const isClosed = poll.expired || (poll.expires_at !== null && new Date(poll.expires_at).getTime() <= now);
  const canVote = !isClosed && !poll.voted && !isOwn && !showResults;
  const total = poll.multiple ? (poll.voters_count ?? poll.votes_count) : poll.votes_count;

  const vote = async (event: FormEvent) => {
    event.preventDefault();
    if (choices.length === 0) return;
    setBusy(true);
    try {
      const updated = await votePoll(api, poll.id, choices);
      setPoll(updated);
      onChange(updated);
      announce("Your vote was counted.");
    } catch (error) {
      announce(`The vote was not counted: ${(error as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  const summary = (
    <p className="poll-summary muted small">
      {total === 1 ? "1 person" : `${total} people`} · {isClosed ? "Closed" : poll.expires_at ? timeLeft(poll.expires_at, new Date(now)) : "No end"}
      {canVote && (
        <>
          {" · "}
          <button type="button" className="link" onClick={() => setShowResults(true)}>
            See results
          </button>
        </>
      )}
    </p>
  );

  if (canVote) {
    return (
      <form className="poll" onSubmit={(event) => void vote(event)} aria-label="Poll">
        <fieldset>
          <legend className="visually-hidden">{poll.multiple ? "Choose one or more" : "Choose one"}</legend>
          {poll.options.map((option, index) => (
            <label key={index} className="poll-option">
              <input
                type={poll.multiple ? "checkbox" : "radio"}
                name={`poll-${poll.id}`}
                checked={choices.includes(index)}
                onChange={(event) =>
                  setChoices(poll.multiple ? (event.target.checked ? [...choices, index] : choices.filter((choice) => choice !== index)) : [index])
                }
              />
              <span>
                <EmojiText text={option.title} emojis={poll.emojis} />
              </span>
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={choices.length === 0 || isBusy}>
          Vote
        </button>
        {summary}
      </form>
    );
  }

  return (
    <div className="poll" role="group" aria-label="Poll results">
      <ul>
        {poll.options.map((option, index) => {
          const share = total > 0 && option.votes_count !== null ? Math.round((option.votes_count / total) * 100) : 0;
          const isMine = poll.own_votes?.includes(index) ?? false;
          return (
            <li key={index} className={`poll-result ${isMine ? "mine" : ""}`}>
              <span className="poll-bar" style={{ width: `${share}%` }} aria-hidden="true" />
              <span className="poll-share">{share}%</span>
              <span>
                <EmojiText text={option.title} emojis={poll.emojis} />
                {isMine && <span className="visually-hidden"> (your choice)</span>}
              </span>
            </li>
          );
        })}
      </ul>
      {summary}
    </div>
  );
}
