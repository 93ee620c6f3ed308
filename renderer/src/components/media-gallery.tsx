import { useState } from "react";
import type { MediaAttachment } from "../api/entities.ts";
import { sameServerUrl } from "../media-url.ts";
import { BlurhashCanvas } from "./blurhash-canvas.tsx";
import { Modal } from "./modal.tsx";

const NO_DESCRIPTION = "Image without a description";

/** Width over height, from what the server measured, so the box has its size before the image arrives. */
export function aspectOf(media: MediaAttachment): number {
  const original = media.meta?.original ?? media.meta?.small;
  const aspect = original?.aspect ?? (original?.width && original.height ? original.width / original.height : undefined);
  return aspect && Number.isFinite(aspect) && aspect > 0 ? aspect : 16 / 9;
}

function MediaItem({ media, isSingle, onOpen }: { media: MediaAttachment; isSingle: boolean; onOpen(): void }) {
  const [isLoaded, setLoaded] = useState(false);
  const [showAlt, setShowAlt] = useState(false);
  const source = sameServerUrl(media.preview_url ?? media.url ?? media.remote_url);
  // A lone image keeps its shape (within reason); in a grid every cell is cropped to the grid.
  const style = isSingle ? { aspectRatio: String(Math.min(Math.max(aspectOf(media), 0.5), 3)) } : undefined;
  return (
    <div className="media-item" style={style}>
      {media.blurhash && !isLoaded && <BlurhashCanvas hash={media.blurhash} />}
      {media.type === "video" || media.type === "gifv" ? (
        <video
          src={sameServerUrl(media.url) || undefined}
          poster={sameServerUrl(media.preview_url) || undefined}
          aria-label={media.description || "Video without a description"}
          controls={media.type === "video"}
          autoPlay={false}
          loop={media.type === "gifv"}
          muted={media.type === "gifv"}
          playsInline
          onLoadedData={() => setLoaded(true)}
        />
      ) : media.type === "audio" ? (
        <audio src={sameServerUrl(media.url) || undefined} controls aria-label={media.description || "Audio without a description"} />
      ) : (
        <button type="button" className="media-open" onClick={onOpen} aria-label={`Open image: ${media.description || NO_DESCRIPTION}`}>
          <img
            src={source}
            alt={media.description || NO_DESCRIPTION}
            loading="lazy"
            decoding="async"
            width={media.meta?.small?.width ?? media.meta?.original?.width}
            height={media.meta?.small?.height ?? media.meta?.original?.height}
            onLoad={() => setLoaded(true)}
          />
        </button>
      )}
      {media.description && (
        <button type="button" className="alt-badge" aria-expanded={showAlt} onClick={() => setShowAlt(!showAlt)} title="Show the description">
          ALT
        </button>
      )}
      {showAlt && <p className="alt-text">{media.description}</p>}
    </div>
  );
}

/**
 * A post's media: sized from the server's measurements (no layout shift), sensitive media blurred behind
 * its blurhash until the reader asks to see it.
 */
export function MediaGallery({ media, isSensitive }: { media: MediaAttachment[]; isSensitive: boolean }) {
  const [isRevealed, setRevealed] = useState(!isSensitive);
  const [open, setOpen] = useState<MediaAttachment>();
  if (media.length === 0) return null;
  const isSingle = media.length === 1;
  const first = media[0]!;

  if (!isRevealed) {
    const style = isSingle ? { aspectRatio: String(Math.min(Math.max(aspectOf(first), 0.5), 3)) } : undefined;
    return (
      <div className={`media-gallery count-${media.length} hidden-media`} style={style}>
        {first.blurhash && <BlurhashCanvas hash={first.blurhash} />}
        <button type="button" className="reveal" onClick={() => setRevealed(true)}>
          <strong>Sensitive content</strong>
          <span>{media.length === 1 ? "Show the image" : `Show ${media.length} images`}</span>
        </button>
      </div>
    );
  }

  return (
    <>
      <div className={`media-gallery count-${media.length}`}>
        {media.map((item) => (
          <MediaItem key={item.id} media={item} isSingle={isSingle} onOpen={() => setOpen(item)} />
        ))}
        {isSensitive && (
          <button type="button" className="hide-media" onClick={() => setRevealed(false)}>
            Hide
          </button>
        )}
      </div>
      {open && (
        <Modal label="Image" onClose={() => setOpen(undefined)} className="lightbox">
          <img src={sameServerUrl(open.url ?? open.preview_url)} alt={open.description || NO_DESCRIPTION} />
          {open.description && <p className="lightbox-caption">{open.description}</p>}
          <button type="button" className="close" onClick={() => setOpen(undefined)} data-autofocus>
            Close
          </button>
        </Modal>
      )}
    </>
  );
}
