import { TextDecoder } from "node:util";

/**
 * A page's bytes as text, in the encoding the page uses, found as browsers find it (WHATWG HTML's "determining
 * the character encoding", simplified): a byte order mark, else Content-Type's charset, else a <meta> naming
 * one in the first 1024 bytes, else UTF-8. Many Japanese, Russian and older European pages are not UTF-8, and
 * their titles would otherwise show as mojibake.
 */

const PRESCAN_BYTES = 1024;
const META_CHARSET = /<meta\s[^>]*?charset\s*=\s*["']?\s*([a-z0-9_:.+-]+)/i;

function byteOrderMark(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "utf-8";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  return undefined;
}

function metaCharset(bytes: Uint8Array): string | undefined {
  // Latin-1 maps each byte to one character, so an ASCII declaration reads right whatever the real encoding.
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, PRESCAN_BYTES));
  const declared = META_CHARSET.exec(head)?.[1]?.toLowerCase();
  // A page that was decoded enough to find this ASCII text cannot be UTF-16; browsers read it as UTF-8.
  return declared?.startsWith("utf-16") ? "utf-8" : declared;
}

function decoderFor(label: string | undefined): TextDecoder | undefined {
  if (!label) return undefined;
  try {
    return new TextDecoder(label);
  } catch {
    // An encoding name nobody knows: the next source of a name is asked.
    return undefined;
  }
}

export function decodeHtml(bytes: Uint8Array, headerCharset: string | undefined): string {
  const decoder = decoderFor(byteOrderMark(bytes)) ?? decoderFor(headerCharset) ?? decoderFor(metaCharset(bytes)) ?? new TextDecoder("utf-8");
  return decoder.decode(bytes);
}
