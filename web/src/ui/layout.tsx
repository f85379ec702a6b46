import { type ReactNode, useEffect } from "react";

/** The id of every page's heading: the shell moves focus there after an in-app navigation. */
export const PAGE_TITLE_ID = "page-title";

/** A page: its one h1 (focusable, for the shell's focus move) and the document title. */
export function Page({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · Valara`;
  }, [title]);
  return (
    <section className="ui-page" aria-labelledby={PAGE_TITLE_ID}>
      <div className="ui-page__head">
        <h1 id={PAGE_TITLE_ID} className="ui-page__title" tabIndex={-1}>
          {title}
        </h1>
        {actions ? <div className="ui-page__actions">{actions}</div> : null}
      </div>
      {children}
    </section>
  );
}

/** A titled block of a page (a card). */
export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="ui-section">
      <h2 className="ui-section__title">{title}</h2>
      {children}
    </section>
  );
}

/** Children one under the other with the standard gap. */
export function Stack({ children, gap = "md" }: { children: ReactNode; gap?: "sm" | "md" | "lg" }) {
  return <div className={`ui-stack ui-stack--${gap}`}>{children}</div>;
}
