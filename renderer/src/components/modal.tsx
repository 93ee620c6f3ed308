import { useEffect, useRef, type ReactNode } from "react";

/**
 * A modal <dialog>: the browser traps focus inside, Escape closes it, and focus returns to where it was
 * when it closes.
 */
export function Modal({ label, onClose, children, className }: { label: string; onClose(): void; children: ReactNode; className?: string }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    const opener = document.activeElement as HTMLElement | null;
    element.showModal();
    // Children mount (and would focus) before the dialog opens: the element they mark gets focus now.
    const preferred = element.querySelector<HTMLElement>("[data-autofocus]");
    if (preferred) {
      preferred.focus();
      if (preferred instanceof HTMLTextAreaElement) preferred.setSelectionRange(preferred.value.length, preferred.value.length);
    }
    // The close event is queued: when a remount (StrictMode) has reopened the dialog meanwhile, it is stale.
    const close = () => {
      if (!element.open) onCloseRef.current();
    };
    element.addEventListener("close", close);
    return () => {
      element.removeEventListener("close", close);
      if (element.open) element.close();
      opener?.focus?.();
    };
  }, []);

  return (
    <dialog ref={dialog} className={`modal ${className ?? ""}`} aria-label={label}>
      {children}
    </dialog>
  );
}

export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  cancelLabel = "Cancel",
  isDangerous = false,
  onConfirm,
  onCancel,
}: {
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  cancelLabel?: string;
  isDangerous?: boolean;
  onConfirm(): void;
  onCancel(): void;
}) {
  return (
    <Modal label={title} onClose={onCancel} className="confirm">
      <h2>{title}</h2>
      {children}
      <div className="actions">
        <button type="button" onClick={onCancel} data-autofocus>
          {cancelLabel}
        </button>
        <button type="button" className={isDangerous ? "danger" : "primary"} onClick={onConfirm}>
          {confirmLabel}
        </button>
      </div>
    </Modal>
  );
}
