import { useEffect, useRef } from "react";
import { NotFoundPage } from "../pages/not-found";
import { Link, matchPath, navigate, useAppPath } from "../router";
import { type AppRoute, HOME, ROUTES } from "../routes";
import { useSession } from "../session";
import { Button, PAGE_TITLE_ID } from "../ui";
import "./shell.css";

function findRoute(path: string, admin: boolean): { route: AppRoute; params: Record<string, string> } | null {
  for (const route of ROUTES) {
    if (route.adminOnly && !admin) continue;
    const params = matchPath(route.path, path);
    if (params) return { route, params };
  }
  return null;
}

/**
 * The signed-in app: header (who, sign-out), navigation, and the current page. `focusOnArrival`
 * (just signed in): the page's heading takes the focus, which the sign-in form took with it.
 */
export function Shell({ focusOnArrival = false }: { focusOnArrival?: boolean }) {
  const session = useSession();
  const path = useAppPath();
  const firstRender = useRef(true);

  useEffect(() => {
    if (path === "") navigate(HOME, { replace: true });
  }, [path]);

  // After an in-app navigation, focus goes to the new page's heading (as a page load would).
  // biome-ignore lint/correctness/useExhaustiveDependencies: it runs on every navigation on purpose
  useEffect(() => {
    const arriving = firstRender.current;
    firstRender.current = false;
    // On a page load, focus stays where the browser puts it (the start of the document).
    if (arriving && !focusOnArrival) return;
    document.getElementById(PAGE_TITLE_ID)?.focus();
  }, [path]);

  const found = findRoute(path, session.isAdmin);
  const nav = ROUTES.filter((route) => route.nav && (!route.adminOnly || session.isAdmin));
  const current = (route: AppRoute) => (found?.route === route ? "page" : undefined);

  return (
    <div className="shell">
      <a className="shell__skip" href="#main">
        Skip to content
      </a>
      <header className="shell__header">
        <p className="shell__brand">Valara</p>
        <div className="shell__who">
          <span className="shell__name">{session.user.name}</span>
          <span className="shell__email">{session.user.email}</span>
        </div>
        <Button variant="secondary" className="shell__out" onClick={() => void session.signOut()}>
          Sign out
        </Button>
      </header>
      <nav className="shell__nav" aria-label="Main">
        <ul>
          {nav.map((route) => (
            <li key={route.path}>
              <Link to={route.path} aria-current={current(route)}>
                {route.nav}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main className="shell__main" id="main">
        {found ? <found.route.Page params={found.params} title={found.route.title} /> : path ? <NotFoundPage /> : null}
      </main>
    </div>
  );
}
