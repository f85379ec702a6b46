import type { User, UserListQuery } from "valara-users/client";
import { Link } from "../router";
import { Alert, Button, Page, Section, Stack } from "../ui";
import { usePaged } from "./kit/use-paged";
import { valara } from "./kit/valara";
import { type Filters, UserFilters, useFilters } from "./users/user-filters";
import "./kit/kit.css";

export const USERS_PAGE_SIZE = 20;

function query(filters: Filters): UserListQuery {
  return {
    limit: USERS_PAGE_SIZE,
    ...(filters.role ? { role: filters.role } : {}),
    ...(filters.active ? { active: filters.active === "active" } : {}),
    ...(filters.search ? { search: filters.search } : {}),
  };
}

/** Admins: every user, filtered by role, active flag and a search, a page at a time. */
export function UsersPage({ title }: { title: string }) {
  const [filters, setFilters] = useFilters();
  // The server binds a cursor to the filters it was issued with: new filters start from page one.
  const users = usePaged(() => valara.users.list(query(filters)), JSON.stringify(filters), "loading the user list");

  if (users.forbidden) {
    return (
      <Page title={title}>
        <Section title="Not available to you">
          <Alert tone="error">
            <p>You may not see the user list: it is for administrators only.</p>
          </Alert>
        </Section>
      </Page>
    );
  }

  return (
    <Page title={title}>
      <Section title="Find users">
        <UserFilters filters={filters} onChange={setFilters} />
      </Section>
      <Section title="Users">
        <Stack>
          {users.failure ? <Alert tone="error">{users.failure}</Alert> : null}
          {users.loading ? <p role="status">Loading users…</p> : null}
          {!users.loading && !users.failure ? (
            <p role="status" className="kit-muted">
              {users.items.length === 0
                ? "No user matches these filters."
                : `Showing ${users.items.length} user${users.items.length === 1 ? "" : "s"}${users.hasMore ? "; more below" : ""}.`}
            </p>
          ) : null}
          {users.items.length > 0 ? (
            <ul className="kit-list" aria-label="Users">
              {users.items.map((user) => (
                <UserItem key={user.id} user={user} />
              ))}
            </ul>
          ) : null}
          {users.hasMore ? (
            <div>
              <Button onClick={users.loadMore} busy={users.loadingMore}>
                Load more users
              </Button>
            </div>
          ) : null}
        </Stack>
      </Section>
    </Page>
  );
}

function UserItem({ user }: { user: User }) {
  const inactive = !user.is_active || user.account_status !== "active";
  return (
    <li className="kit-item">
      <h3 className="kit-item__title">
        <Link to={`users/${encodeURIComponent(user.id)}`}>{user.name || user.email}</Link>
      </h3>
      <dl className="kit-facts">
        <dt>Email</dt>
        <dd>{user.email}</dd>
        <dt>Role</dt>
        <dd>{user.role}</dd>
        <dt>Status</dt>
        <dd>
          <span className={`kit-badge kit-badge--${inactive ? "bad" : "good"}`}>
            {user.is_active ? (user.account_status === "active" ? "Active" : user.account_status) : "Inactive"}
          </span>
        </dd>
      </dl>
    </li>
  );
}
