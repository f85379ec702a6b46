import { type ReactNode, useEffect, useId, useRef } from "react";
import { Button } from "./button";

interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm(): void;
  /** Cancel, Escape, or closing otherwise: nothing happens. */
  onCancel(): void;
}

/**
 * A modal question (the native <dialog> with showModal: the rest of the page is inert, so focus
 * stays inside; Escape cancels; focus returns where it was on close). Focus starts on Cancel,
 * the harmless answer.
 */
export function ConfirmDialog({ open, title, children, confirmLabel, onConfirm, onCancel }: ConfirmDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);
  return (
    <dialog
      ref={dialog}
      className="ui-dialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-body`}
      onCancel={(event) => {
        event.preventDefault(); // the parent closes it, so that `open` stays the truth
        onCancel();
      }}
    >
      <h2 id={`${id}-title`} className="ui-dialog__title">
        {title}
      </h2>
      <div id={`${id}-body`}>{children}</div>
      <div className="ui-dialog__buttons">
        {/* A modal dialog's focus belongs on its safe answer. */}
        <Button autoFocus onClick={onCancel}>
          Cancel
        </Button>
        <Button variant="danger" onClick={onConfirm}>
          {confirmLabel}
        </Button>
      </div>
    </dialog>
  );
}
