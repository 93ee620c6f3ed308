import { sanitizeHtml } from "../sanitize-html-on-first-use.ts";

/**
 * Reads HTML as a browser's parser would (entities decoded, tag and attribute names in lower case, bad markup
 * tolerated) without building a tree. sanitize-html is the HTML parser this project already depends on; its
 * parse hooks (onOpenTag, onCloseTag, exclusiveFilter) are used and its output is thrown away.
 */

export interface HtmlElement {
  tag: string;
  attribs: Readonly<Record<string, string>>;
  /** The element's text, entities decoded; script and style bodies are never part of it. */
  text: string;
}

export interface HtmlWalk {
  /** Every start tag, in document order, with its attributes decoded; "stop" ends the walk there. */
  onStartTag?(tag: string, attribs: Readonly<Record<string, string>>): void | "stop";
  /** Every end tag, written or implied; "stop" ends the walk there. */
  onEndTag?(tag: string): void | "stop";
  /** The tags whose text is wanted: onElement is called as each one ends. */
  textTags?: readonly string[];
  onElement?(element: HtmlElement): void;
}

// Thrown from inside the parser's callback: the only way to leave sanitize-html's parse early.
const STOP = Symbol("stop walking");

export function walkHtml(html: string, walk: HtmlWalk): void {
  const textTags = walk.textTags ?? [];
  try {
    walkAll(html, walk, textTags);
  } catch (error) {
    if (error !== STOP) throw error;
  }
}

function walkAll(html: string, walk: HtmlWalk, textTags: readonly string[]): void {
  sanitizeHtml(html, {
    allowedTags: [...textTags],
    allowedAttributes: false,
    // An <a> whose href has another scheme (javascript:, data:) is reported without its href.
    allowedSchemes: ["http", "https"],
    onOpenTag: (tag, attribs) => {
      if (walk.onStartTag?.(tag, { ...attribs }) === "stop") throw STOP;
    },
    onCloseTag: (tag) => {
      if (walk.onEndTag?.(tag) === "stop") throw STOP;
    },
    exclusiveFilter: (frame) => {
      if (textTags.includes(frame.tag)) walk.onElement?.({ tag: frame.tag, attribs: { ...frame.attribs }, text: frame.text });
      return false;
    },
  });
}
