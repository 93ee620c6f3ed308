import { useState, type FormEvent } from "react";
import { updateCredentials } from "../api/mastodon.ts";
import { useApp } from "../app-context.ts";
import { Avatar } from "./avatar.tsx";

const MAX_FIELDS = 4;

/** The owner's (or member's) profile as others see it: name, bio, links, pictures, and whether follows need approval. */
export function ProfileForm({ compact = false, onSaved }: { compact?: boolean; onSaved?(): void }) {
  const { api, me, setMe, announce, isOnline } = useApp();
  const [displayName, setDisplayName] = useState(me.display_name);
  const [note, setNote] = useState(me.source.note);
  const [locked, setLocked] = useState(me.locked);
  const [fields, setFields] = useState(() => {
    const given = me.source.fields.map((field) => ({ name: field.name, value: field.value }));
    return [...given, ...Array.from({ length: Math.max(0, MAX_FIELDS - given.length) }, () => ({ name: "", value: "" }))].slice(0, MAX_FIELDS);
  });
  const [avatar, setAvatar] = useState<File>();
  const [header, setHeader] = useState<File>();
  const [error, setError] = useState<string>();
  const [isBusy, setBusy] = useState(false);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const updated = await updateCredentials(
        api,
        compact
          ? { display_name: displayName, avatar }
          : { display_name: displayName, note, locked, avatar, header, fields: fields.filter((field) => field.name.trim() !== "" || field.value.trim() !== "") },
      );
      setMe(updated);
      setAvatar(undefined);
      setHeader(undefined);
      announce("Your profile was saved.");
      onSaved?.();
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="stack" onSubmit={(event) => void save(event)} aria-label="Profile">
      <div className="avatar-field">
        {avatar ? <img className="avatar" src={URL.createObjectURL(avatar)} alt="Your new avatar" width={72} height={72} /> : <Avatar account={me} size={72} label="Your avatar" />}
        <label className="file-field">
          Avatar
          <input type="file" accept="image/png,image/jpeg,image/gif,image/webp" onChange={(event) => setAvatar(event.target.files?.[0])} />
        </label>
      </div>
      {!compact && (
        <label className="file-field">
          Header image
          <input type="file" accept="image/png,image/jpeg,image/gif,image/webp" onChange={(event) => setHeader(event.target.files?.[0])} />
        </label>
      )}
      <label>
        Display name
        <input value={displayName} maxLength={30} onChange={(event) => setDisplayName(event.target.value)} />
      </label>
      {!compact && (
        <>
          <label>
            Bio
            <textarea value={note} maxLength={500} rows={4} onChange={(event) => setNote(event.target.value)} />
          </label>
          <fieldset className="profile-fields-editor">
            <legend>Extra fields (shown as a table on your profile)</legend>
            {fields.map((field, index) => (
              <div className="field-pair" key={index}>
                <input
                  aria-label={`Label ${index + 1}`}
                  placeholder="Label"
                  value={field.name}
                  maxLength={255}
                  onChange={(event) => setFields(fields.map((item, at) => (at === index ? { ...item, name: event.target.value } : item)))}
                />
                <input
                  aria-label={`Content ${index + 1}`}
                  placeholder="Content"
                  value={field.value}
                  maxLength={255}
                  onChange={(event) => setFields(fields.map((item, at) => (at === index ? { ...item, value: event.target.value } : item)))}
                />
              </div>
            ))}
          </fieldset>
          <label className="inline">
            <input type="checkbox" checked={locked} onChange={(event) => setLocked(event.target.checked)} /> Approve followers by hand
          </label>
        </>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className={compact ? undefined : "primary"} disabled={isBusy || !isOnline}>
        {isBusy ? "Saving…" : compact ? "Save picture and name" : "Save profile"}
      </button>
    </form>
  );
}
