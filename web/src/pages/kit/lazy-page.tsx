import { type ReactNode, Suspense, useEffect, useLayoutEffect } from "react";
import { PAGE_TITLE_ID, Page } from "../../ui";

// Whether the loading stand-in's heading had the focus when the real page replaced it: the shell
// focused that heading after the navigation, and the focus must not be lost with it.
let refocus = false;

function Loading({ title }: { title: string }) {
  useLayoutEffect(
    () => () => {
      refocus = document.activeElement?.id === PAGE_TITLE_ID;
    },
    [],
  );
  return (
    <Page title={title}>
      <p role="status">Loading…</p>
    </Page>
  );
}

function Refocus() {
  useEffect(() => {
    if (!refocus) return;
    refocus = false;
    document.getElementById(PAGE_TITLE_ID)?.focus();
  }, []);
  return null;
}

/** Around a React.lazy page: its heading shows at once while the code arrives. */
export function LazyBoundary({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Suspense fallback={<Loading title={title} />}>
      {children}
      <Refocus />
    </Suspense>
  );
}
