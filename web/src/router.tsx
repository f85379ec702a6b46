import { type AnchorHTMLAttributes, type MouseEvent, useEffect, useSyncExternalStore } from "react";

// A tiny history router: the app's paths live under Vite's base (/app/), and the server answers
// index.html for every /app/… path, so a reload or a shared link opens the same page.

const BASE = import.meta.env.BASE_URL; // "/app/"
const CHANGED = "valara:navigate";

/** The path inside the app, without the base or slashes at either end: "", "profile", "users/abc". */
export function appPath(pathname: string = window.location.pathname): string {
  const inside = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : "";
  return inside.replace(/^\/+|\/+$/g, "");
}

/** The URL of an app path, for links. */
export const hrefFor = (path: string): string => `${BASE}${path.replace(/^\/+/, "")}`;

// Messages of the pages that hold unsaved work; leaving asks first (see useNavigationGuard).
const guards = new Set<string>();
const mayLeave = (): boolean => guards.size === 0 || window.confirm([...guards][0]);

let shownPath = appPath();

/** Goes to an app path, unless a page with unsaved work is told to stay. */
export function navigate(path: string, { replace = false }: { replace?: boolean } = {}): void {
  const href = hrefFor(path);
  if (href === window.location.pathname) return;
  if (!replace && !mayLeave()) return;
  window.history[replace ? "replaceState" : "pushState"](null, "", href);
  shownPath = appPath();
  window.dispatchEvent(new Event(CHANGED));
}

// Back and forward have already moved when popstate fires: staying means moving back again.
window.addEventListener("popstate", () => {
  if (!mayLeave()) {
    window.history.pushState(null, "", hrefFor(shownPath));
    return;
  }
  shownPath = appPath();
  window.dispatchEvent(new Event(CHANGED));
});

function subscribe(onChange: () => void): () => void {
  window.addEventListener(CHANGED, onChange);
  return () => window.removeEventListener(CHANGED, onChange);
}

/** The current app path; re-renders on every navigation. */
export function useAppPath(): string {
  return useSyncExternalStore(subscribe, () => shownPath);
}

/**
 * While `message` is set (the page holds unsaved edits), in-app navigation asks with it, and
 * closing or reloading the tab asks with the browser's own wording.
 */
export function useNavigationGuard(message: string | null): void {
  useEffect(() => {
    if (!message) return;
    const beforeUnload = (event: BeforeUnloadEvent) => event.preventDefault();
    guards.add(message);
    window.addEventListener("beforeunload", beforeUnload);
    return () => {
      guards.delete(message);
      window.removeEventListener("beforeunload", beforeUnload);
    };
  }, [message]);
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, "href"> & { to: string };

/** An in-app link: a real <a href> (opens in a new tab, copies), navigating without a reload. */
export function Link({ to, onClick, ...rest }: LinkProps) {
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    const modified = event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || event.button !== 0;
    if (event.defaultPrevented || modified || rest.target) return;
    event.preventDefault();
    navigate(to);
  };
  return <a {...rest} href={hrefFor(to)} onClick={handle} />;
}

/** A route's path pattern: literal segments and `:name` parameters ("users/:id"). */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split("/");
  const have = path.split("/");
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (const [index, segment] of want.entries()) {
    const actual = have[index] ?? "";
    if (segment.startsWith(":")) {
      if (!actual) return null;
      params[segment.slice(1)] = decodeURIComponent(actual);
    } else if (segment !== actual) {
      return null;
    }
  }
  return params;
}
