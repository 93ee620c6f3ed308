import type { ComposeRequest } from "../app-context.ts";
import { ComposeForm } from "./compose-form.tsx";
import { Icon } from "./icons.tsx";
import { Modal } from "./modal.tsx";

/** The compose box over whatever page is open (on a phone, the whole screen). Closing keeps the draft. */
export function ComposeDialog({ request, onClose }: { request: ComposeRequest; onClose(): void }) {
  const title = request.editing ? "Edit post" : request.replyTo ? "Reply" : request.quote ? "Quote" : "New post";
  return (
    <Modal label={title} onClose={onClose} className="compose-dialog">
      <header className="dialog-header">
        <h2>{title}</h2>
        <button type="button" className="icon-button" onClick={onClose} aria-label="Close (the draft is kept)">
          <Icon name="close" />
        </button>
      </header>
      <ComposeForm request={request} onDone={onClose} />
    </Modal>
  );
}
