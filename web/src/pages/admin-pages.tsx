import { lazy } from "react";
import { LazyBoundary } from "./kit/lazy-page";

// The admin pages load when first opened (their own chunks), so that they are no part of
// anyone's first visit: most people who sign in are agents and never open them.
type PageProps = { params: Record<string, string>; title: string };

const LazyUsers = lazy(async () => ({ default: (await import("./users")).UsersPage }));

export function UsersRoute(props: PageProps) {
  return (
    <LazyBoundary title={props.title}>
      <LazyUsers {...props} />
    </LazyBoundary>
  );
}

const LazyWebhooks = lazy(async () => ({ default: (await import("./webhooks")).WebhooksPage }));

export function WebhooksRoute(props: PageProps) {
  return (
    <LazyBoundary title={props.title}>
      <LazyWebhooks {...props} />
    </LazyBoundary>
  );
}
