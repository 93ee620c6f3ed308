/**
 * Post HTML as the client shows it. The server already cleans what arrives from other servers; this is the
 * second lock, with the allow-list of Mastodon's own sanitiser: text formatting, links, and nothing that runs.
 */

const ALLOWED_TAGS = new Set(["p", "br", "span", "a", "strong", "b", "em", "i", "u", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li"]);
const ALLOWED_CLASSES = new Set(["mention", "hashtag", "u-url", "h-card", "invisible", "ellipsis", "quote-inline"]);
const SAFE_SCHEMES = /^(https?|mailto|xmpp|gopher|gemini|web\+ap):/i;

function cleanChildren(from: Node, into: Node, document: Document): void {
  for (const child of [...from.childNodes]) {
    if (child.nodeType === Node.TEXT_NODE) {
      into.appendChild(document.createTextNode(child.textContent ?? ""));
      continue;
    }
    if (child.nodeType !== Node.ELEMENT_NODE) continue;
    const element = child as Element;
    const tag = element.tagName.toLowerCase();
    if (!ALLOWED_TAGS.has(tag)) {
      // Unknown wrappers keep their text; script and style keep nothing.
      if (tag !== "script" && tag !== "style" && tag !== "template") cleanChildren(element, into, document);
      continue;
    }
    const clean = document.createElement(tag);
    const classes = (element.getAttribute("class") ?? "").split(/\s+/).filter((name) => ALLOWED_CLASSES.has(name));
    if (classes.length > 0) clean.setAttribute("class", classes.join(" "));
    if (tag === "a") {
      const href = element.getAttribute("href") ?? "";
      if (SAFE_SCHEMES.test(href)) {
        clean.setAttribute("href", href);
        clean.setAttribute("target", "_blank");
        clean.setAttribute("rel", "nofollow noopener noreferrer");
      }
    }
    cleanChildren(element, clean, document);
    into.appendChild(clean);
  }
}

export function sanitizePostHtml(html: string): string {
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  const output = document.implementation.createHTMLDocument("");
  const container = output.createElement("div");
  cleanChildren(parsed.body, container, output);
  return container.innerHTML;
}

/** The text of some HTML, for a short quote (a reply's context, a notification line). */
export function htmlToText(html: string): string {
  const parsed = new DOMParser().parseFromString(html.replace(/<br\s*\/?>/gi, "\n").replace(/<\/p>/gi, "\n\n"), "text/html");
  return (parsed.body.textContent ?? "").trim();
}
