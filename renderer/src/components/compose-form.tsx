import { useEffect, useMemo, useRef, useState, type ChangeEvent, type FormEvent, type KeyboardEvent } from "react";
import type { InstanceConfiguration, Visibility } from "../api/entities.ts";
import { NetworkError } from "../api/http.ts";
import { editStatus, getStatusSource, postStatus, updateMedia, uploadMediaAndWait, type NewStatus } from "../api/mastodon.ts";
import { useApp, type ComposeRequest } from "../app-context.ts";
import { randomToken } from "../auth/pkce.ts";
import { discardDraft, draftKey, loadDraft, saveDraft, type Draft } from "../state/drafts.ts";
import { emitStatusEvent } from "../state/local-events.ts";
import { countCharacters } from "../text/character-count.ts";
import { htmlToText } from "../text/sanitize-html.ts";
import { ComposeMediaList } from "./compose-media.tsx";
import { ComposePoll, NEW_POLL, pollDraftOf, type PollDraft } from "./compose-poll.tsx";
import { Icon } from "./icons.tsx";
import { ConfirmDialog } from "./modal.tsx";
import { VISIBILITY_WORDS } from "./status-card.tsx";

/** An image of the post: uploading, uploaded (it has the server's id) or refused. */
export interface ComposeMedia {
  key: string;
  id: string | null;
  previewUrl: string | null;
  description: string;
  /** The description as the server has it, to send only what changed. */
  savedDescription: string;
  aspect: number | null;
  state: "uploading" | "ready" | "failed";
  error?: string;
}

const DEFAULT_LIMITS: InstanceConfiguration = {
  statuses: { max_characters: 500, max_media_attachments: 4, characters_reserved_per_url: 23 },
  media_attachments: { supported_mime_types: ["image/jpeg", "image/png", "image/gif", "image/webp"], description_limit: 1500, image_size_limit: 16 * 1024 * 1024 },
  polls: { max_options: 4, max_characters_per_option: 50, min_expiration: 300, max_expiration: 2_629_746 },
};

const LANGUAGES = ["en", "de", "fr", "es", "it", "pt", "nl", "sv", "da", "nb", "fi", "pl", "cs", "uk", "ru", "tr", "el", "ja", "ko", "zh", "ar", "he", "hi"];
const VISIBILITY_ORDER: Visibility[] = ["public", "unlisted", "private", "direct"];

function languageName(code: string): string {
  try {
    return new Intl.DisplayNames([navigator.language], { type: "language" }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** A reply is at most as public as what it answers. */
function narrower(a: Visibility, b: Visibility): Visibility {
  return VISIBILITY_ORDER.indexOf(a) > VISIBILITY_ORDER.indexOf(b) ? a : b;
}

interface ComposeState {
  text: string;
  spoilerText: string;
  hasSpoiler: boolean;
  visibility: Visibility;
  language: string;
  sensitive: boolean;
  poll: PollDraft | null;
  media: ComposeMedia[];
}

function fromDraft(draft: Draft): ComposeState {
  return {
    ...draft,
    media: draft.media.map((item) => ({ ...item, key: item.id, savedDescription: item.description, state: "ready" as const })),
  };
}

function initialState(request: ComposeRequest, me: { id: string; acct: string; source: { privacy: Visibility; language: string | null } }): ComposeState {
  const base: ComposeState = {
    text: "",
    spoilerText: "",
    hasSpoiler: false,
    visibility: me.source.privacy ?? "public",
    language: me.source.language ?? navigator.language.slice(0, 2),
    sensitive: false,
    poll: null,
    media: [],
  };
  const source = request.editing ?? request.redraft;
  if (source) {
    return {
      ...base,
      text: source.text ?? htmlToText(source.content),
      spoilerText: source.spoiler_text,
      hasSpoiler: source.spoiler_text !== "",
      visibility: source.visibility,
      language: source.language ?? base.language,
      sensitive: source.sensitive,
      // Kept when editing too: an edit that sends no poll removes it, as Mastodon's does.
      poll: source.poll ? pollDraftOf(source.poll) : null,
      media: source.media_attachments.map((media) => ({
        key: media.id,
        id: media.id,
        previewUrl: media.preview_url,
        description: media.description ?? "",
        savedDescription: media.description ?? "",
        aspect: media.meta?.original?.aspect ?? null,
        state: "ready" as const,
      })),
    };
  }
  if (request.replyTo) {
    const target = request.replyTo;
    const mentions = [target.account.acct, ...target.mentions.map((mention) => mention.acct)].filter(
      (acct, index, all) => acct !== me.acct && all.indexOf(acct) === index,
    );
    return {
      ...base,
      text: mentions.map((acct) => `@${acct} `).join(""),
      visibility: narrower(base.visibility, target.visibility),
      spoilerText: target.spoiler_text,
      hasSpoiler: target.spoiler_text !== "",
    };
  }
  return base;
}

/**
 * Writing a post: the counter follows the instance's limits, a draft is kept on this device until it is
 * posted, images are uploaded as they are chosen (with a nudge to describe them), and without a connection
 * the post waits in the outbox.
 */
export function ComposeForm({ request, onDone }: { request: ComposeRequest; onDone(): void }) {
  const { api, me, instance, outbox, isOnline, announce } = useApp();
  const limits = instance?.configuration ?? DEFAULT_LIMITS;
  const key = draftKey(me.id, { replyTo: request.replyTo?.id ?? (request.quote ? `quote-${request.quote.id}` : undefined), editing: request.editing?.id });
  const isFresh = !request.editing && !request.redraft;
  const [state, setState] = useState<ComposeState>(() => {
    const saved = isFresh || request.editing ? loadDraft(localStorage, key) : undefined;
    return saved ? fromDraft(saved) : initialState(request, me);
  });
  const [error, setError] = useState<string>();
  const [isBusy, setBusy] = useState(false);
  const [askAboutAlt, setAskAboutAlt] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const update = (change: Partial<ComposeState>) => setState((current) => ({ ...current, ...change }));

  // An edit starts from the text as written (Markdown-free plain text), which only /source has.
  useEffect(() => {
    const editing = request.editing;
    if (!editing || loadDraft(localStorage, key)) return;
    getStatusSource(api, editing.id)
      .then((source) => update({ text: source.text, spoilerText: source.spoiler_text, hasSpoiler: source.spoiler_text !== "" }))
      .catch(() => undefined);
  }, [api, request.editing, key]);

  useEffect(() => {
    const ready = state.media.filter((item) => item.id !== null);
    saveDraft(localStorage, key, {
      ...state,
      media: ready.map((item) => ({ id: item.id!, previewUrl: item.previewUrl, description: item.description, aspect: item.aspect })),
      savedAt: new Date().toISOString(),
    });
  }, [state, key]);

  const used = countCharacters(state.text, state.hasSpoiler ? state.spoilerText : "", limits.statuses.characters_reserved_per_url);
  const left = limits.statuses.max_characters - used;
  const isUploading = state.media.some((item) => item.state === "uploading");
  const pollOptions = state.poll?.options.map((option) => option.trim()).filter(Boolean) ?? [];
  const isEmpty = state.text.trim() === "" && state.media.length === 0;
  const canSubmit = !isBusy && !isUploading && left >= 0 && !isEmpty && (state.poll === null || pollOptions.length >= 2);

  const attach = async (event: ChangeEvent<HTMLInputElement>) => {
    const files = [...(event.target.files ?? [])].slice(0, limits.statuses.max_media_attachments - state.media.length);
    event.target.value = "";
    for (const file of files) {
      const localKey = randomToken(8);
      const previewUrl = URL.createObjectURL(file);
      const aspect = await measure(previewUrl);
      setState((current) => ({
        ...current,
        media: [...current.media, { key: localKey, id: null, previewUrl, description: "", savedDescription: "", aspect, state: "uploading" }],
      }));
      const patch = (change: Partial<ComposeMedia>) =>
        setState((current) => ({ ...current, media: current.media.map((item) => (item.key === localKey ? { ...item, ...change } : item)) }));
      uploadMediaAndWait(api, file, "")
        .then((uploaded) =>
          uploaded.url === null
            ? patch({ state: "failed", error: "The server is still processing this file; remove it and try again." })
            : patch({ id: uploaded.id, state: "ready", aspect: uploaded.meta?.original?.aspect ?? aspect }),
        )
        .catch((caught: unknown) => patch({ state: "failed", error: caught instanceof NetworkError ? "Not uploaded: Hearth cannot be reached." : (caught as Error).message }));
    }
  };

  const moveMedia = (mediaKey: string, step: -1 | 1) =>
    setState((current) => {
      const media = [...current.media];
      const index = media.findIndex((item) => item.key === mediaKey);
      const other = index + step;
      if (index < 0 || other < 0 || other >= media.length) return current;
      [media[index], media[other]] = [media[other]!, media[index]!];
      return { ...current, media };
    });

  const buildStatus = (): NewStatus => ({
    status: state.text,
    spoiler_text: state.hasSpoiler ? state.spoilerText : "",
    sensitive: state.sensitive || (state.hasSpoiler && state.spoilerText.trim() !== ""),
    visibility: state.visibility,
    language: state.language || undefined,
    in_reply_to_id: request.replyTo?.id,
    media_ids: state.media.flatMap((item) => (item.id ? [item.id] : [])),
    poll: state.poll ? { options: pollOptions, expires_in: state.poll.expiresIn, multiple: state.poll.multiple } : undefined,
    quoted_status_id: request.quote?.id,
  });

  const finish = (message: string) => {
    discardDraft(localStorage, key);
    announce(message);
    onDone();
  };

  const send = async () => {
    setBusy(true);
    setError(undefined);
    const status = buildStatus();
    try {
      if (request.editing) {
        const media_attributes = state.media.flatMap((item) => (item.id ? [{ id: item.id, description: item.description }] : []));
        const edited = await editStatus(api, request.editing.id, { ...status, in_reply_to_id: undefined, media_attributes });
        emitStatusEvent({ type: "updated", status: edited });
        finish("Your post was edited.");
        return;
      }
      // Descriptions written after the upload go to the server before the post that shows them.
      for (const item of state.media) {
        if (item.id && item.description !== item.savedDescription) await updateMedia(api, item.id, item.description);
      }
      const idempotencyKey = randomToken(16);
      if (!isOnline) {
        outbox.add(status, idempotencyKey);
        finish("You are offline: your post will be sent when Hearth is back.");
        return;
      }
      try {
        const posted = await postStatus(api, status, idempotencyKey);
        emitStatusEvent({ type: "posted", status: posted });
        finish(request.replyTo ? "Your reply was posted." : "Your post was posted.");
      } catch (caught) {
        if (!(caught instanceof NetworkError)) throw caught;
        outbox.add(status, idempotencyKey);
        finish("Hearth cannot be reached: your post will be sent when it is back.");
      }
    } catch (caught) {
      setError(caught instanceof NetworkError ? "Hearth cannot be reached; try again when it is back." : (caught as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (!canSubmit) return;
    if (state.media.some((item) => item.description.trim() === "")) setAskAboutAlt(true);
    else void send();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLFormElement>) => {
    if (event.key === "Enter" && (event.metaKey || event.ctrlKey)) submit();
  };

  const counterId = `compose-counter-${key}`;
  const languages = useMemo(() => (LANGUAGES.includes(state.language) ? LANGUAGES : [state.language, ...LANGUAGES]), [state.language]);
  const replyName = request.replyTo ? request.replyTo.account.display_name || request.replyTo.account.username : undefined;

  return (
    <form className="compose" onSubmit={submit} onKeyDown={onKeyDown} ref={formRef} aria-label={request.editing ? "Edit post" : request.replyTo ? "Reply" : request.quote ? "Quote" : "New post"}>
      {request.replyTo && (
        <p className="replying-to muted small">
          Replying to <bdi>{replyName}</bdi>: <q>{htmlToText(request.replyTo.content).slice(0, 120)}</q>
        </p>
      )}
      {request.quote && (
        <p className="replying-to muted small">
          Quoting <bdi>{request.quote.account.display_name || request.quote.account.username}</bdi>: <q>{htmlToText(request.quote.content).slice(0, 120)}</q>
        </p>
      )}
      {state.hasSpoiler && (
        <input
          className="spoiler-input"
          aria-label="Content warning text"
          placeholder="Content warning: what is this post about?"
          value={state.spoilerText}
          onChange={(event) => update({ spoilerText: event.target.value })}
        />
      )}
      <textarea
        data-autofocus
        className="compose-text"
        aria-label="What is on your mind?"
        placeholder="What is on your mind?"
        aria-describedby={counterId}
        rows={5}
        value={state.text}
        onChange={(event) => update({ text: event.target.value })}
      />
      <ComposeMediaList
        media={state.media}
        descriptionLimit={limits.media_attachments.description_limit ?? 1500}
        onDescribe={(mediaKey, description) => update({ media: state.media.map((item) => (item.key === mediaKey ? { ...item, description } : item)) })}
        onMove={moveMedia}
        onRemove={(mediaKey) => update({ media: state.media.filter((item) => item.key !== mediaKey) })}
      />
      {state.poll && <ComposePoll poll={state.poll} limits={limits.polls} isEditing={Boolean(request.editing?.poll)} onChange={(poll) => update({ poll })} />}
      <div className="compose-tools">
        <input
          ref={fileInput}
          type="file"
          accept={limits.media_attachments.supported_mime_types.filter((type) => type.startsWith("image/")).join(",")}
          multiple
          hidden
          onChange={(event) => void attach(event)}
        />
        <button
          type="button"
          className="icon-button"
          aria-label="Add images"
          disabled={state.media.length >= limits.statuses.max_media_attachments || state.poll !== null || !isOnline}
          title={isOnline ? undefined : "Images cannot be uploaded while offline"}
          onClick={() => fileInput.current?.click()}
        >
          <Icon name="image" />
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label={state.poll ? "Remove poll" : "Add a poll"}
          aria-pressed={state.poll !== null}
          disabled={state.media.length > 0}
          onClick={() => update({ poll: state.poll ? null : NEW_POLL })}
        >
          <Icon name="poll" />
        </button>
        <button type="button" className="icon-button" aria-label="Content warning" aria-pressed={state.hasSpoiler} onClick={() => update({ hasSpoiler: !state.hasSpoiler })}>
          <Icon name="warning" />
        </button>
        {state.media.length > 0 && !state.hasSpoiler && (
          <label className="inline small">
            <input type="checkbox" checked={state.sensitive} onChange={(event) => update({ sensitive: event.target.checked })} /> Sensitive
          </label>
        )}
        <select aria-label="Who can see it" value={state.visibility} disabled={Boolean(request.editing)} onChange={(event) => update({ visibility: event.target.value as Visibility })}>
          {VISIBILITY_ORDER.map((visibility) => (
            <option key={visibility} value={visibility}>
              {VISIBILITY_WORDS[visibility]}
            </option>
          ))}
        </select>
        <select aria-label="Language" value={state.language} onChange={(event) => update({ language: event.target.value })}>
          {languages.map((code) => (
            <option key={code} value={code}>
              {languageName(code)}
            </option>
          ))}
        </select>
        <span id={counterId} className={`counter ${left < 0 ? "over" : left < 20 ? "near" : ""}`} aria-label={`${left} characters left`}>
          {left}
        </span>
        <button type="submit" className="primary" disabled={!canSubmit}>
          {request.editing ? "Save" : isOnline ? (request.replyTo ? "Reply" : "Post") : "Post later"}
        </button>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {askAboutAlt && (
        <ConfirmDialog
          title="Post without a description?"
          confirmLabel="Post anyway"
          cancelLabel="Add descriptions"
          onConfirm={() => {
            setAskAboutAlt(false);
            void send();
          }}
          onCancel={() => {
            setAskAboutAlt(false);
            // Back to the first image still without words.
            setTimeout(() => formRef.current?.querySelector<HTMLTextAreaElement>(".needs-alt textarea")?.focus(), 0);
          }}
        >
          <p>People who use screen readers, or whose images do not load, only know what an image shows from its description.</p>
        </ConfirmDialog>
      )}
    </form>
  );
}

/** An image's shape, from the file itself, so its preview takes its place at once. */
function measure(url: string): Promise<number | null> {
  return new Promise((resolve) => {
    const image = new Image();
    image.onload = () => resolve(image.naturalHeight > 0 ? image.naturalWidth / image.naturalHeight : null);
    image.onerror = () => resolve(null);
    image.src = url;
  });
}

