import { useEffect, useState } from "react";
import { type User, ValaraError } from "valara-users/client";
import { useSession } from "../session";
import { Alert, Button, Page, Section } from "../ui";
import { valara } from "../valara";
import { ProfileForm } from "./profile-form";

type Loaded = { kind: "loading" } | { kind: "failed"; message: string } | { kind: "ready"; user: User };

/** The signed-in person's own profile (users.me()), in the profile form. */
export function MyProfilePage({ title }: { title: string }) {
  const session = useSession();
  const [loaded, setLoaded] = useState<Loaded>({ kind: "loading" });
  const [attempt, setAttempt] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is what "Try again" changes
  useEffect(() => {
    const abort = new AbortController();
    valara.users
      .me({ signal: abort.signal })
      .then((user) => setLoaded({ kind: "ready", user }))
      .catch((error: unknown) => {
        if (abort.signal.aborted) return;
        if (error instanceof ValaraError && error.status === 401) return session.ended();
        setLoaded({ kind: "failed", message: "Your profile could not be loaded." });
      });
    return () => abort.abort();
  }, [attempt]);

  return (
    <Page title={title}>
      {loaded.kind === "failed" ? (
        <Alert tone="error" title={loaded.message}>
          <p>Check your connection, then try again.</p>
          <Button onClick={() => setAttempt((n) => n + 1)}>Try again</Button>
        </Alert>
      ) : (
        <Section title="Profile">
          {loaded.kind === "ready" ? (
            <ProfileForm user={loaded.user} onUser={(user) => setLoaded({ kind: "ready", user })} />
          ) : (
            <p role="status">Loading your profile…</p>
          )}
        </Section>
      )}
    </Page>
  );
}
