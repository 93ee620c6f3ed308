import type { ComposeMedia } from "./compose-form.tsx";
import { sameServerUrl } from "../media-url.ts";
import { Icon } from "./icons.tsx";

/** The images of a post being written: a preview each, the description (alt text) under it, order and removal. */
export function ComposeMediaList({
  media,
  descriptionLimit,
  onDescribe,
  onMove,
  onRemove,
}: {
  media: ComposeMedia[];
  descriptionLimit: number;
  onDescribe(key: string, description: string): void;
  onMove(key: string, step: -1 | 1): void;
  onRemove(key: string): void;
}) {
  if (media.length === 0) return null;
  return (
    <ul className="compose-media" aria-label="Attached images">
      {media.map((item, index) => (
        <li key={item.key} className={item.description.trim() === "" ? "needs-alt" : undefined}>
          <div className="compose-thumb" style={{ aspectRatio: String(item.aspect ?? 4 / 3) }}>
            {item.previewUrl && <img src={sameServerUrl(item.previewUrl)} alt={item.description || `Image ${index + 1}, no description yet`} />}
            {item.state === "uploading" && <span className="uploading" role="progressbar" aria-label={`Uploading image ${index + 1}`} />}
            {item.state === "failed" && (
              <span className="upload-failed" role="alert">
                {item.error}
              </span>
            )}
          </div>
          <label className="alt-field">
            <span>Description (alt text) for image {index + 1}</span>
            <textarea
              value={item.description}
              maxLength={descriptionLimit}
              rows={2}
              placeholder="Describe it for people who cannot see it"
              data-media-key={item.key}
              onChange={(event) => onDescribe(item.key, event.target.value)}
            />
          </label>
          <div className="thumb-actions">
            <button type="button" className="icon-button" onClick={() => onMove(item.key, -1)} disabled={index === 0} aria-label={`Move image ${index + 1} earlier`}>
              <Icon name="left" />
            </button>
            <button
              type="button"
              className="icon-button"
              onClick={() => onMove(item.key, 1)}
              disabled={index === media.length - 1}
              aria-label={`Move image ${index + 1} later`}
            >
              <Icon name="right" />
            </button>
            <button type="button" className="icon-button" onClick={() => onRemove(item.key)} aria-label={`Remove image ${index + 1}`}>
              <Icon name="close" />
            </button>
          </div>
        </li>
      ))}
    </ul>
  );
}
