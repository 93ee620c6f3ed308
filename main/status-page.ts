function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/**
 * What the window shows while there is no server to load the renderer from (starting, restarting, failed):
 * a self-contained page, as a data: URL, with no script at all (its CSP says so).
 */
export function statusPageUrl(title: string, detail: string): string {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Hearth</title><style>
:root{color-scheme:light dark;font-family:system-ui,sans-serif}
body{display:grid;place-items:center;min-height:90vh;margin:0}
main{max-width:32rem;padding:2rem;text-align:center}
p{line-height:1.5;opacity:.8}
</style></head><body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p></main></body></html>`;
  return `data:text/html;charset=utf-8,${encodeURIComponent(html)}`;
}
