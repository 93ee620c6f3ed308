import type { PreviewCard } from "../api/entities.ts";

/** The card of a link in a post: its page's title, image and site, sized before the image loads. */
export function PreviewCardView({ card }: { card: PreviewCard }) {
  let host: string;
  try {
    host = new URL(card.url).host;
  } catch {
    host = card.provider_name;
  }
  const aspect = card.width > 0 && card.height > 0 ? card.width / card.height : 16 / 9;
  return (
    <a className="preview-card" href={card.url} target="_blank" rel="noopener noreferrer nofollow">
      {card.image && (
        <span className="preview-image" style={{ aspectRatio: String(Math.min(Math.max(aspect, 1), 2)) }}>
          <img src={card.image} alt="" loading="lazy" decoding="async" />
        </span>
      )}
      <span className="preview-text">
        <span className="muted small">{card.provider_name || host}</span>
        <strong>{card.title || host}</strong>
        {card.description && <span className="muted small clamp">{card.description}</span>}
      </span>
    </a>
  );
}
