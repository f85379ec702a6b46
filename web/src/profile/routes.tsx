import { lazy, Suspense } from "react";
import { Page } from "../ui";

// Admins only open it: its code is a chunk of its own, not part of everyone's first visit.
const AdminUserPage = lazy(() => import("./admin-user-page"));

/** The route's page: the admin's page for one user, loaded on first use. */
export function AdminUserRoute(props: { params: Record<string, string>; title: string }) {
  return (
    <Suspense
      fallback={
        <Page title={props.title}>
          <p role="status">Loading…</p>
        </Page>
      }
    >
      <AdminUserPage {...props} />
    </Suspense>
  );
}
