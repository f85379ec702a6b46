import { useCallback, useEffect, useRef, useState } from "react";
import type { Session } from "valara-users/client";
import { Alert, Button, PAGE_TITLE_ID, Page, Section, Stack } from "../ui";
import { useFailure, valara } from "./kit/valara";
import { When } from "./kit/when";
import "./kit/kit.css";

// Session tokens are never read here (browsers' answers will soon carry none): sessions are told
// apart by id, and "this device" is the id getSession() names.
type SessionInfo = Pick<Session, "id" | "createdAt" | "updatedAt" | "expiresAt" | "userAgent" | "ipAddress">;

/** Where the person is signed in, and "Sign out other sessions". */
export function SessionsPage({ title }: { title: string }) {
  const fail = useFailure();
  const [sessions, setSessions] = useState<SessionInfo[] | null>(null);
  const [currentId, setCurrentId] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const question = useRef<HTMLDivElement>(null);

  // The button asked with is gone: focus goes to the safe answer, "Cancel".
  useEffect(() => {
    if (confirming) question.current?.querySelector<HTMLElement>("button:last-of-type")?.focus();
  }, [confirming]);

  const load = useCallback(async () => {
    try {
      const [list, current] = await Promise.all([valara.auth.listSessions(), valara.auth.getSession()]);
      const thisId = current?.session.id ?? null;
      // This device first, then the most recently active.
      const sorted = [...list].sort(
        (a, b) => Number(b.id === thisId) - Number(a.id === thisId) || b.updatedAt.localeCompare(a.updatedAt),
      );
      setSessions(sorted);
      setCurrentId(thisId);
      setFailure(null);
    } catch (error) {
      setFailure(fail(error, "loading your sessions"));
    }
  }, [fail]);

  useEffect(() => {
    void load();
  }, [load]);

  async function signOutOthers() {
    setBusy(true);
    try {
      await valara.auth.revokeOtherSessions();
      setConfirming(false);
      setNotice("Every other session is signed out. This device stays signed in.");
      await load();
      // The buttons are gone with the other sessions: focus goes back to the top of the page.
      document.getElementById(PAGE_TITLE_ID)?.focus();
    } catch (error) {
      setFailure(fail(error, "signing out the other sessions"));
    } finally {
      setBusy(false);
    }
  }

  const others = sessions ? sessions.filter((session) => session.id !== currentId).length : 0;

  return (
    <Page title={title}>
      <Section title="Where you are signed in">
        <Stack>
          {failure ? <Alert tone="error">{failure}</Alert> : null}
          {notice ? <Alert tone="success">{notice}</Alert> : null}
          {sessions === null && !failure ? <p role="status">Loading your sessions…</p> : null}
          {sessions ? (
            <ul className="kit-list" aria-label="Sessions">
              {sessions.map((session) => (
                <SessionItem key={session.id} session={session} current={session.id === currentId} />
              ))}
            </ul>
          ) : null}
          {sessions && others === 0 ? <p>You are signed in on this device only.</p> : null}
          {others > 0 && !confirming ? (
            <div>
              <Button variant="danger" onClick={() => setConfirming(true)}>
                Sign out other sessions
              </Button>
            </div>
          ) : null}
          {others > 0 && confirming ? (
            <div className="kit-actions" ref={question}>
              <span>
                Sign out {others === 1 ? "the other session" : `all ${others} other sessions`}? This device stays signed
                in.
              </span>
              <Button variant="danger" busy={busy} onClick={() => void signOutOthers()}>
                Yes, sign them out
              </Button>
              <Button onClick={() => setConfirming(false)}>Cancel</Button>
            </div>
          ) : null}
        </Stack>
      </Section>
    </Page>
  );
}

function SessionItem({ session, current }: { session: SessionInfo; current: boolean }) {
  return (
    <li className="kit-item">
      <h3 className="kit-item__title">
        {describeAgent(session.userAgent)}{" "}
        {current ? <span className="kit-badge kit-badge--good">This device</span> : null}
      </h3>
      <dl className="kit-facts">
        <dt>Signed in</dt>
        <dd>
          <When at={session.createdAt} />
        </dd>
        <dt>Last active</dt>
        <dd>
          <When at={session.updatedAt} />
        </dd>
        <dt>Expires</dt>
        <dd>
          <When at={session.expiresAt} />
        </dd>
        <dt>IP address</dt>
        <dd>{session.ipAddress || "Not known"}</dd>
        <dt>Browser</dt>
        <dd>{session.userAgent || "Not known"}</dd>
      </dl>
    </li>
  );
}

/** A short name for a user agent ("Chrome on Linux"); the full string is listed too. */
function describeAgent(agent: string | null): string {
  if (!agent) return "Unknown device";
  const browser =
    [
      ["Edg/", "Edge"],
      ["Firefox/", "Firefox"],
      ["HeadlessChrome/", "Headless Chrome"],
      ["Chrome/", "Chrome"],
      ["Safari/", "Safari"],
      ["curl/", "curl"],
      ["node", "Node.js"],
    ].find(([mark]) => agent.includes(mark as string))?.[1] ?? "A program";
  const system =
    [
      ["Windows", "Windows"],
      ["Android", "Android"],
      ["iPhone", "iOS"],
      ["Mac OS", "macOS"],
      ["Linux", "Linux"],
    ].find(([mark]) => agent.includes(mark as string))?.[1] ?? null;
  return system ? `${browser} on ${system}` : browser;
}
