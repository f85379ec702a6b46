import { createAuthClient } from "better-auth/client";

/**
 * Better Auth's own client, on this page's origin. The session lives in Better Auth's HttpOnly
 * cookie, which the browser sends by itself: nothing is kept in localStorage or by this script.
 */
export const authClient = createAuthClient({ baseURL: `${window.location.origin}/api/auth` });

/** The signed-in person, as Better Auth's session gives it. */
export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: string | null;
}

/** The session's user, or null when signed out. Throws when the server cannot be reached. */
export async function loadSessionUser(): Promise<SessionUser | null> {
  const { data, error } = await authClient.getSession();
  if (error) throw new Error(`The session could not be read (HTTP ${error.status}).`);
  if (!data) return null;
  const user = data.user as typeof data.user & { role?: string | null };
  return { id: user.id, email: user.email, name: user.name, role: user.role ?? null };
}

// The admin plugin keeps several roles comma-separated. The page cannot see ADMIN_ROLES, so it
// shows the admin pages to the "admin" role; the API is what enforces access either way.
export const isAdmin = (user: SessionUser): boolean =>
  (user.role ?? "").split(",").some((role) => role.trim() === "admin");
