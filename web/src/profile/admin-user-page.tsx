import { useEffect, useState } from "react";
import { type User, ValaraError } from "valara-users/client";
import { Link } from "../router";
import { useSession } from "../session";
import { Alert, Button, Page, Section } from "../ui";
import { valara } from "../valara";
import { AccountSection } from "./account-section";
import { ProfileForm } from "./profile-form";

type Loaded =
  | { kind: "loading" }
  | { kind: "missing" }
  | { kind: "failed"; message: string }
  | { kind: "ready"; user: User };

/** An admin's page for one user: their profile (PATCH) and their account's admin-only fields (PUT). */
export default function AdminUserPage({ params, title }: { params: Record<string, string>; title: string }) {
  const session = useSession();
  const id = params.id ?? "";
  const [loaded, setLoaded] = useState<Loaded>({ kind: "loading" });
  const [attempt, setAttempt] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is what "Try again" changes
  useEffect(() => {
    const abort = new AbortController();
    setLoaded({ kind: "loading" });
    valara.users
      .get(id, { signal: abort.signal })
      .then((user) => setLoaded({ kind: "ready", user }))
      .catch((error: unknown) => {
        if (abort.signal.aborted) return;
        if (error instanceof ValaraError && error.status === 401) return session.ended();
        if (error instanceof ValaraError && (error.status === 404 || error.status === 403)) {
          return setLoaded({ kind: "missing" });
        }
        setLoaded({ kind: "failed", message: "This user could not be loaded." });
      });
    return () => abort.abort();
  }, [id, attempt]);

  if (loaded.kind === "missing") {
    return (
      <Page title="No such user">
        <Section title="Not found">
          <p>
            There is no user with this id, or you may not see them. <Link to="users">Back to the users</Link>.
          </p>
        </Section>
      </Page>
    );
  }
  const setUser = (user: User) => setLoaded({ kind: "ready", user });
  return (
    <Page title={loaded.kind === "ready" ? loaded.user.name : title}>
      {loaded.kind === "failed" ? (
        <Alert tone="error" title={loaded.message}>
          <p>Check your connection, then try again.</p>
          <Button onClick={() => setAttempt((n) => n + 1)}>Try again</Button>
        </Alert>
      ) : loaded.kind === "loading" ? (
        <p role="status">Loading the user…</p>
      ) : (
        <>
          <p>
            <Link to="users">← All users</Link> · {loaded.user.email} · id {loaded.user.id}
          </p>
          <Section title="Account">
            <AccountSection user={loaded.user} onUser={setUser} />
          </Section>
          <Section title="Profile">
            <ProfileForm user={loaded.user} onUser={setUser} />
          </Section>
        </>
      )}
    </Page>
  );
}
