import { useState } from "react";
import type { WebhookDelivery } from "valara-users/client";
import { Alert, Button } from "../../ui";
import { usePaged } from "../kit/use-paged";
import { useFailure, valara } from "../kit/valara";
import { When } from "../kit/when";

const TONES: Record<WebhookDelivery["status"], "good" | "bad" | "plain"> = {
  succeeded: "good",
  failed: "bad",
  dead: "bad",
  pending: "plain",
};

/** An endpoint's deliveries, newest first, with Redeliver; `version` changes reload them. */
export function Deliveries({ endpointId, version }: { endpointId: string; version: number }) {
  const [reloads, setReloads] = useState(0);
  const deliveries = usePaged(
    () => valara.webhooks.deliveries(endpointId, { limit: 10 }),
    `${endpointId}:${version}:${reloads}`,
    "loading the deliveries",
  );
  return (
    <section className="kit-deliveries" aria-label="Deliveries">
      <div className="kit-actions">
        <h4 className="kit-item__title">Deliveries</h4>
        <Button variant="link" onClick={() => setReloads((n) => n + 1)}>
          Refresh
        </Button>
      </div>
      {deliveries.failure ? <Alert tone="error">{deliveries.failure}</Alert> : null}
      {deliveries.loading ? <p role="status">Loading the deliveries…</p> : null}
      {!deliveries.loading && deliveries.items.length === 0 && !deliveries.failure ? <p>No deliveries yet.</p> : null}
      {deliveries.items.length > 0 ? (
        <ul className="kit-list" aria-label="Deliveries, newest first">
          {deliveries.items.map((delivery) => (
            <DeliveryItem key={delivery.id} delivery={delivery} onRedelivered={() => setReloads((n) => n + 1)} />
          ))}
        </ul>
      ) : null}
      {deliveries.hasMore ? (
        <Button onClick={deliveries.loadMore} busy={deliveries.loadingMore}>
          Load more deliveries
        </Button>
      ) : null}
    </section>
  );
}

function DeliveryItem({ delivery, onRedelivered }: { delivery: WebhookDelivery; onRedelivered(): void }) {
  const fail = useFailure();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  async function redeliver() {
    setBusy(true);
    try {
      await valara.webhooks.redeliver(delivery.id);
      onRedelivered();
    } catch (error) {
      setFailure(fail(error, "redelivering"));
    } finally {
      setBusy(false);
    }
  }

  return (
    <li className="kit-item">
      <p className="kit-item__title">
        <code>{delivery.event_type}</code>{" "}
        <span className={`kit-badge kit-badge--${TONES[delivery.status]}`}>{delivery.status}</span>
      </p>
      <dl className="kit-facts">
        <dt>Event</dt>
        <dd>
          <code>{delivery.event_id}</code>
        </dd>
        <dt>Created</dt>
        <dd>
          <When at={delivery.created_at} />
        </dd>
        <dt>Attempts</dt>
        <dd>{delivery.attempts}</dd>
        <dt>Last response</dt>
        <dd>
          {delivery.last_response_status ?? "None"}
          {delivery.last_duration_ms !== null ? ` in ${delivery.last_duration_ms} ms` : ""}
        </dd>
        {delivery.last_error ? (
          <>
            <dt>Error</dt>
            <dd>{delivery.last_error}</dd>
          </>
        ) : null}
        <dt>Next attempt</dt>
        <dd>
          <When at={delivery.next_attempt_at} none="None planned" />
        </dd>
      </dl>
      {failure ? <Alert tone="error">{failure}</Alert> : null}
      {delivery.status === "pending" ? null : (
        <div className="kit-actions">
          <Button
            onClick={() => void redeliver()}
            busy={busy}
            aria-label={`Redeliver ${delivery.event_type} ${delivery.event_id}`}
          >
            Redeliver
          </Button>
        </div>
      )}
    </li>
  );
}
