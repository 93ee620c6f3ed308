/**
 * Status HTML as the words a person reads, for full-text search and filters: paragraphs and line breaks
 * become newlines, tags go, entities are decoded. The HTML here is already sanitised (ours or cleaned on
 * arrival), so a tag-stripping pass is enough; nothing of this is ever rendered as HTML again.
 */

const NAMED_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === "#") {
      const code = name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** The text of a piece of sanitised HTML. */
export function htmlToPlainText(html: string): string {
  const text = html
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/p>\s*<p[^>]*>/gi, "\n\n")
    // Mastodon hides the middle of long links in an "invisible" span; the reader of plain text wants it all.
    .replace(/<[^>]*>/g, "");
  return decodeEntities(text).trim();
}
