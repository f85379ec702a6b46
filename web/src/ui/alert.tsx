import type { ReactNode } from "react";

export interface AlertProps {
  /** error: announced at once (role="alert"); info and success: politely (role="status"). */
  tone?: "error" | "info" | "success";
  title?: string;
  children: ReactNode;
}

/** A message about the page as a whole (a failed sign-in, a conflict, a saved form). */
export function Alert({ tone = "info", title, children }: AlertProps) {
  return (
    <div className={`ui-alert ui-alert--${tone}`} role={tone === "error" ? "alert" : "status"}>
      {title ? <p className="ui-alert__title">{title}</p> : null}
      <div className="ui-alert__body">{children}</div>
    </div>
  );
}
