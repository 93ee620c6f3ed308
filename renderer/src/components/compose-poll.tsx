import type { InstanceConfiguration, Poll } from "../api/entities.ts";

export interface PollDraft {
  options: string[];
  expiresIn: number;
  multiple: boolean;
}

const DURATIONS: Array<[number, string]> = [
  [300, "5 minutes"],
  [1800, "30 minutes"],
  [3600, "1 hour"],
  [21600, "6 hours"],
  [86400, "1 day"],
  [259200, "3 days"],
  [604800, "7 days"],
];

export const NEW_POLL: PollDraft = { options: ["", ""], expiresIn: 86400, multiple: false };

/**
 * The poll of a post being edited or redrafted, as the form holds it. Its duration is the shortest choice
 * that covers the time it has left (the longest when none does, a day once it has ended); an edit that keeps
 * the choices keeps the poll's own end anyway.
 */
export function pollDraftOf(poll: Poll, now = Date.now()): PollDraft {
  const secondsLeft = poll.expires_at ? (Date.parse(poll.expires_at) - now) / 1000 : 0;
  const covering = DURATIONS.find(([seconds]) => seconds >= secondsLeft) ?? DURATIONS.at(-1)!;
  const expiresIn = secondsLeft > 0 ? covering[0] : NEW_POLL.expiresIn;
  return { options: poll.options.map((option) => option.title), expiresIn, multiple: poll.multiple };
}

export function ComposePoll({
  poll,
  limits,
  isEditing,
  onChange,
}: {
  poll: PollDraft;
  limits: InstanceConfiguration["polls"];
  /** The post already has this poll: changing it has a cost that voters will notice. */
  isEditing: boolean;
  onChange(poll: PollDraft | null): void;
}) {
  const durations = DURATIONS.filter(([seconds]) => seconds >= limits.min_expiration && seconds <= limits.max_expiration);
  return (
    <fieldset className="compose-poll">
      <legend>Poll</legend>
      {isEditing && <p className="small muted">Changing the choices, or whether several are allowed, starts the poll again without its votes.</p>}
      {poll.options.map((option, index) => (
        <div className="poll-choice" key={index}>
          <input
            aria-label={`Choice ${index + 1}`}
            placeholder={`Choice ${index + 1}`}
            value={option}
            maxLength={limits.max_characters_per_option}
            onChange={(event) => onChange({ ...poll, options: poll.options.map((item, at) => (at === index ? event.target.value : item)) })}
          />
          {poll.options.length > 2 && (
            <button type="button" className="quiet" aria-label={`Remove choice ${index + 1}`} onClick={() => onChange({ ...poll, options: poll.options.filter((_, at) => at !== index) })}>
              Remove
            </button>
          )}
        </div>
      ))}
      <div className="poll-settings">
        {poll.options.length < limits.max_options && (
          <button type="button" onClick={() => onChange({ ...poll, options: [...poll.options, ""] })}>
            Add a choice
          </button>
        )}
        <label>
          Open for{" "}
          <select value={poll.expiresIn} onChange={(event) => onChange({ ...poll, expiresIn: Number(event.target.value) })}>
            {durations.map(([seconds, words]) => (
              <option key={seconds} value={seconds}>
                {words}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          <input type="checkbox" checked={poll.multiple} onChange={(event) => onChange({ ...poll, multiple: event.target.checked })} /> Several choices allowed
        </label>
        <button type="button" className="quiet" onClick={() => onChange(null)}>
          Remove poll
        </button>
      </div>
    </fieldset>
  );
}
