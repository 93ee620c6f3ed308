/** The distinct shortcodes `pattern` (global, the shortcode as its first group) finds in `text`, in order of first use. */
export function shortcodesInText(text: string, pattern: RegExp): string[] {
  return [...new Set([...text.matchAll(pattern)].map((match) => match[1] ?? ""))].filter((code) => code !== "");
}
