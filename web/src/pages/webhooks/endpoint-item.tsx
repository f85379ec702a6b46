import { useEffect, useRef, useState } from "react";
import type { WebhookEndpoint, WebhookTestResult } from "valara-users/client";
import { Alert, Button } from "../../ui";
import { useFailure, valara } from "../kit/valara";
import { When } from "../kit/when";
import { Deliveries } from "./deliveries";

/** One endpoint: what it receives, and Send test, Enable/Disable, Deliveries, Delete. */
export function EndpointItem({ endpoint, onChanged }: { endpoint: WebhookEndpoint; onChanged(): void }) {
  const fail = useFailure();
  const [busy, setBusy] = useState<"test" | "toggle" | "delete" | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [tested, setTested] = useState<WebhookTestResult | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [showDeliveries, setShowDeliveries] = useState(false);
  const [deliveriesVersion, setDeliveriesVersion] = useState(0);
  const question = useRef<HTMLDivElement>(null);

  // The Delete button is gone once asked: focus goes to the safe answer.
  useEffect(() => {
    if (confirming) question.current?.querySelector<HTMLElement>("button:last-of-type")?.focus();
  }, [confirming]);

  async function act(kind: "test" | "toggle" | "delete", doing: string, work: () => Promise<void>) {
    setBusy(kind);
    setFailure(null);
    try {
      await work();
    } catch (error) {
      setFailure(fail(error, doing));
    } finally {
      setBusy(null);
    }
  }

  const sendTest = () =>
    act("test", "sending the test", async () => {
      setTested(await valara.webhooks.test(endpoint.id));
      setDeliveriesVersion((n) => n + 1);
    });
  const toggle = () =>
    act("toggle", endpoint.enabled ? "disabling the endpoint" : "enabling the endpoint", async () => {
      await valara.webhooks.update(endpoint.id, { enabled: !endpoint.enabled });
      onChanged();
    });
  const remove = () =>
    act("delete", "deleting the endpoint", async () => {
      await valara.webhooks.delete(endpoint.id);
      onChanged();
    });

  const label = endpoint.description || endpoint.url;
  return (
    <li className="kit-item">
      <h3 className="kit-item__title">{endpoint.url}</h3>
      <dl className="kit-facts">
        <dt>Description</dt>
        <dd>{endpoint.description || "(none)"}</dd>
        <dt>Events</dt>
        <dd>{endpoint.event_types.length > 0 ? endpoint.event_types.join(", ") : "Every event type"}</dd>
        <dt>Status</dt>
        <dd>
          <span className={`kit-badge kit-badge--${endpoint.enabled ? "good" : "bad"}`}>
            {endpoint.enabled ? "Enabled" : "Disabled"}
          </span>
          {endpoint.disabled_reason ? <span className="kit-muted"> {endpoint.disabled_reason}</span> : null}
        </dd>
        <dt>Added</dt>
        <dd>
          <When at={endpoint.created_at} />
        </dd>
      </dl>
      {failure ? <Alert tone="error">{failure}</Alert> : null}
      {tested ? (
        <Alert tone={tested.ok ? "success" : "error"} title="Test sent">
          <p>
            {tested.status === null
              ? `No answer: ${tested.error ?? "the receiver could not be reached"}`
              : `The receiver answered ${tested.status}`}{" "}
            in {tested.duration_ms} ms.
          </p>
        </Alert>
      ) : null}
      <div className="kit-actions">
        <Button onClick={() => void sendTest()} busy={busy === "test"} aria-label={`Send test to ${label}`}>
          Send test
        </Button>
        <Button
          onClick={() => void toggle()}
          busy={busy === "toggle"}
          aria-label={`${endpoint.enabled ? "Disable" : "Enable"} ${label}`}
        >
          {endpoint.enabled ? "Disable" : "Enable"}
        </Button>
        <Button
          onClick={() => setShowDeliveries((shown) => !shown)}
          aria-expanded={showDeliveries}
          aria-label={`Deliveries of ${label}`}
        >
          Deliveries
        </Button>
        {confirming ? null : (
          <Button variant="danger" onClick={() => setConfirming(true)} aria-label={`Delete ${label}`}>
            Delete
          </Button>
        )}
      </div>
      {confirming ? (
        <div className="kit-actions" ref={question}>
          <span>Delete this endpoint and its deliveries? It receives nothing more.</span>
          <Button variant="danger" busy={busy === "delete"} onClick={() => void remove()}>
            Yes, delete it
          </Button>
          <Button onClick={() => setConfirming(false)}>Keep it</Button>
        </div>
      ) : null}
      {showDeliveries ? <Deliveries endpointId={endpoint.id} version={deliveriesVersion} /> : null}
    </li>
  );
}
