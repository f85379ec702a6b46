import type { ComponentType } from "react";
import { UsersRoute, WebhooksRoute } from "./pages/admin-pages";
import { ApiKeysPage } from "./pages/api-keys";
import { HistoryPage } from "./pages/history";
import { SessionsPage } from "./pages/sessions";
import { MyProfilePage } from "./profile/my-profile-page";
import { AdminUserRoute } from "./profile/routes";

/** A page of the signed-in app. */
export interface AppRoute {
  /** Path pattern under /app/ ("profile", "users/:id"); see matchPath. */
  path: string;
  /** The page's title: its h1 and the document title. */
  title: string;
  /** The navigation entry's text; routes without one are reached by links only. */
  nav?: string;
  /** Shown to admins only (the API refuses others anyway). */
  adminOnly?: boolean;
  Page: ComponentType<{ params: Record<string, string>; title: string }>;
}

/** The path "/app/" opens. */
export const HOME = "profile";

// Phase 2 replaces the placeholders with the pages built on valara-users/client. Large pages that
// only some people open (admins) are best imported lazily (React.lazy) to keep the first visit small.
export const ROUTES: AppRoute[] = [
  { path: "profile", title: "My profile", nav: "My profile", Page: MyProfilePage },
  { path: "history", title: "History", nav: "History", Page: HistoryPage },
  { path: "api-keys", title: "API keys", nav: "API keys", Page: ApiKeysPage },
  { path: "sessions", title: "Sessions", nav: "Sessions", Page: SessionsPage },
  { path: "users", title: "Users", nav: "Users", adminOnly: true, Page: UsersRoute },
  { path: "webhooks", title: "Webhooks", nav: "Webhooks", adminOnly: true, Page: WebhooksRoute },
  { path: "users/:id", title: "User", adminOnly: true, Page: AdminUserRoute },
  // Not an admin (no navigation entry, and the admin entries above are skipped for them): the same
  // pages, whose lists the API refuses (403), so the person is told they may not, not "not found".
  { path: "users", title: "Users", Page: UsersRoute },
  { path: "webhooks", title: "Webhooks", Page: WebhooksRoute },
];
