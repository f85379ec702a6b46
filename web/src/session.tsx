import { createContext, useContext } from "react";
import type { SessionUser } from "./auth-client";

/** What every page knows of the session. */
export interface Session {
  user: SessionUser;
  isAdmin: boolean;
  /** Ends the session (Better Auth's sign-out) and shows the sign-in page. */
  signOut(): Promise<void>;
  /** The API said the session is gone (401): shows the sign-in page with a notice. */
  ended(): void;
}

export const SessionContext = createContext<Session | null>(null);

/** The session, inside the signed-in shell. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside the signed-in shell");
  return session;
}
