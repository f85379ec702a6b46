import { useCallback, useEffect, useMemo, useState } from "react";
import { authClient, isAdmin, loadSessionUser, type SessionUser } from "./auth-client";
import { SignInPage } from "./pages/sign-in";
import { type Session, SessionContext } from "./session";
import { Shell } from "./shell/shell";
import { Alert, Button } from "./ui";
import "./app.css";

// `arrived`: the state was reached by the person's action (sign-in, sign-out), not a page load.
type State =
  | { kind: "loading" }
  | { kind: "unreachable" }
  | { kind: "signed-out"; notice: string | null; arrived: boolean }
  | { kind: "signed-in"; user: SessionUser; arrived: boolean };

/** The whole page: the session decides between the sign-in page and the signed-in shell. */
export function App() {
  const [state, setState] = useState<State>({ kind: "loading" });

  const refresh = useCallback(async (arrived: boolean) => {
    try {
      const user = await loadSessionUser();
      setState(user ? { kind: "signed-in", user, arrived } : { kind: "signed-out", notice: null, arrived });
    } catch {
      setState({ kind: "unreachable" });
    }
  }, []);

  useEffect(() => {
    void refresh(false);
  }, [refresh]);

  const session = useMemo<Session | null>(() => {
    if (state.kind !== "signed-in") return null;
    return {
      user: state.user,
      isAdmin: isAdmin(state.user),
      signOut: async () => {
        await authClient.signOut();
        setState({ kind: "signed-out", notice: null, arrived: true });
      },
      ended: () =>
        setState({ kind: "signed-out", notice: "Your session has ended. Sign in again to go on.", arrived: true }),
    };
  }, [state]);

  if (state.kind === "loading") {
    return (
      <main className="sign-in" id="main" aria-busy="true">
        <p className="visually-hidden" role="status">
          Loading…
        </p>
      </main>
    );
  }
  if (state.kind === "unreachable") {
    return (
      <main className="sign-in" id="main">
        <div className="sign-in__card">
          <h1 className="sign-in__title">Valara</h1>
          <Alert tone="error" title="The server could not be reached">
            <p>Check your connection, then try again.</p>
          </Alert>
          <p>
            <Button onClick={() => void refresh(false)}>Try again</Button>
          </p>
        </div>
      </main>
    );
  }
  if (state.kind === "signed-out" || !session) {
    return (
      <SignInPage
        onSignedIn={() => refresh(true)}
        notice={state.kind === "signed-out" ? state.notice : null}
        focusOnArrival={state.kind === "signed-out" && state.arrived}
      />
    );
  }
  return (
    <SessionContext.Provider value={session}>
      <Shell focusOnArrival={state.kind === "signed-in" && state.arrived} />
    </SessionContext.Provider>
  );
}
