import { useEffect, useRef, useState } from "react";
import type { ApiKey } from "valara-users/client";
import { Alert, Button, PAGE_TITLE_ID } from "../../ui";
import { useFailure, valara } from "../kit/valara";
import { When } from "../kit/when";

type Status = { text: string; tone: "good" | "bad" };

function statusOf(key: ApiKey, now = Date.now()): Status {
  if (!key.enabled) return { text: "Revoked", tone: "bad" };
  if (key.expiresAt && Date.parse(key.expiresAt) <= now) return { text: "Expired", tone: "bad" };
  return { text: "Active", tone: "good" };
}

/** One key: what it is, and Revoke (asked twice: a revoked key never works again). */
export function ApiKeyItem({ apiKey, onChanged }: { apiKey: ApiKey; onChanged(): Promise<void> }) {
  const fail = useFailure();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const question = useRef<HTMLDivElement>(null);
  const status = statusOf(apiKey);

  // The Revoke button is gone once asked: focus goes to the safe answer, "Keep it".
  useEffect(() => {
    if (confirming) question.current?.querySelector<HTMLElement>("button:last-of-type")?.focus();
  }, [confirming]);
  const name = apiKey.name ?? "Unnamed key";

  async function revoke() {
    setBusy(true);
    try {
      // Disabled, not deleted: it stays listed as revoked, so its owner can still tell what it was.
      await valara.auth.apiKeys.update({ keyId: apiKey.id, enabled: false });
      setConfirming(false);
      await onChanged();
      // A revoked key has no buttons left: focus goes back to the top of the page, not nowhere.
      document.getElementById(PAGE_TITLE_ID)?.focus();
    } catch (error) {
      setFailure(fail(error, "revoking the key"));
    } finally {
      setBusy(false);
    }
  }

  return (
    <li className="kit-item">
      <h3 className="kit-item__title">{name}</h3>
      <dl className="kit-facts">
        <dt>Starts with</dt>
        <dd>
          <code>{apiKey.start ? `${apiKey.start}…` : "(not shown)"}</code>
        </dd>
        <dt>Status</dt>
        <dd>
          <span className={`kit-badge kit-badge--${status.tone}`}>{status.text}</span>
        </dd>
        <dt>Created</dt>
        <dd>
          <When at={apiKey.createdAt} />
        </dd>
        <dt>Last used</dt>
        <dd>
          <When at={apiKey.lastRequest} none="Not known" />
        </dd>
        <dt>Expires</dt>
        <dd>
          <When at={apiKey.expiresAt} none="Never" />
        </dd>
      </dl>
      {failure ? <Alert tone="error">{failure}</Alert> : null}
      {apiKey.enabled ? (
        confirming ? (
          <div className="kit-actions" ref={question}>
            <span>Revoke “{name}”? Programs using it stop working at once.</span>
            <Button variant="danger" busy={busy} onClick={() => void revoke()}>
              Yes, revoke {name}
            </Button>
            <Button onClick={() => setConfirming(false)}>Keep it</Button>
          </div>
        ) : (
          <div className="kit-actions">
            <Button variant="danger" onClick={() => setConfirming(true)} aria-label={`Revoke ${name}`}>
              Revoke
            </Button>
          </div>
        )
      ) : null}
    </li>
  );
}
