import type { ButtonHTMLAttributes } from "react";

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: "primary" | "secondary" | "danger" | "link";
  /** Work in progress: the button stays focusable (focus is not lost) but ignores clicks. */
  busy?: boolean;
}

/** A button; `type` defaults to "button" so that only a deliberate submit button submits a form. */
export function Button({
  variant = "secondary",
  busy = false,
  type = "button",
  className,
  onClick,
  ...rest
}: ButtonProps) {
  return (
    <button
      {...rest}
      type={type}
      className={`ui-button ui-button--${variant}${className ? ` ${className}` : ""}`}
      aria-disabled={busy || rest.disabled ? true : undefined}
      aria-busy={busy || undefined}
      onClick={(event) => {
        if (busy) {
          event.preventDefault();
          return;
        }
        onClick?.(event);
      }}
    />
  );
}
