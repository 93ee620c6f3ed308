/**
 * The few pages Hearth renders on the server (OAuth's consent, the invite's sign-up): plain HTML that works
 * without JavaScript in any browser, on a phone too, in the look they share.
 */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

const STYLE = `
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.5; }
  body { margin: 0; display: grid; min-height: 100vh; place-items: center; background: Canvas; }
  main { max-width: 26rem; width: calc(100% - 2rem); padding: 1.5rem; border: 1px solid #8884; border-radius: 12px; }
  h1 { font-size: 1.3rem; margin-top: 0; }
  label { display: block; margin-top: 0.8rem; font-weight: 600; }
  input { width: 100%; box-sizing: border-box; padding: 0.55rem; font: inherit; margin-top: 0.25rem; }
  .actions { display: flex; gap: 0.6rem; margin-top: 1.2rem; }
  button { font: inherit; padding: 0.55rem 1rem; border-radius: 8px; border: 1px solid #8886; cursor: pointer; }
  button.primary { background: #b56a3c; color: white; border-color: #b56a3c; }
  button:focus-visible, input:focus-visible { outline: 3px solid #b56a3c; outline-offset: 2px; }
  .error { color: #c0392b; font-weight: 600; }
  .hint { font-size: 0.9rem; opacity: 0.8; margin: 0.2rem 0 0; }
  code { font-size: 1.1rem; word-break: break-all; user-select: all; }
`;

/** A whole page: `body` is HTML already escaped by the caller. */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)} · Hearth</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}
