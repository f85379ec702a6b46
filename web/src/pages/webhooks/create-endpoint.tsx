import { type FormEvent, useEffect, useRef, useState } from "react";
import { flushSync } from "react-dom";
import { ValaraError, type WebhookEndpointCreate, type WebhookEndpointWithSecret } from "valara-users/client";
import { Alert, Button, Field, FieldGroup, Stack } from "../../ui";
import { useFailure, valara } from "../kit/valara";

type EventType = NonNullable<WebhookEndpointCreate["event_types"]>[number];

/** The form that registers an endpoint: URL, event types (none: every type), description. */
export function CreateEndpoint({ onCreated }: { onCreated(endpoint: WebhookEndpointWithSecret): void }) {
  const fail = useFailure();
  const [catalog, setCatalog] = useState<{ type: string; description: string }[]>([]);
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [types, setTypes] = useState<Set<EventType>>(new Set());
  const [urlError, setUrlError] = useState<string | undefined>();
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  useEffect(() => {
    valara.webhooks
      .eventTypes()
      // webhook.test is sent by "Send test" only; no endpoint subscribes to it.
      .then((list) => setCatalog(list.filter((item) => item.type !== "webhook.test")))
      .catch((error) => setFailure(fail(error, "loading the event types")));
  }, [fail]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const found = /^https?:\/\/\S+$/i.test(url.trim()) ? undefined : "Enter the endpoint's full URL, https://…";
    flushSync(() => {
      setUrlError(found);
      setFailure(null);
    });
    if (found) {
      form.current?.querySelector<HTMLElement>("[aria-invalid='true']")?.focus();
      return;
    }
    setBusy(true);
    try {
      const created = await valara.webhooks.create({
        url: url.trim(),
        ...(types.size > 0 ? { event_types: [...types] } : {}),
        ...(description.trim() ? { description: description.trim() } : {}),
      });
      setUrl("");
      setDescription("");
      setTypes(new Set());
      onCreated(created);
    } catch (error) {
      const text = fail(error, "adding the endpoint");
      // The server's words about the URL (not https, a private address) belong at the field.
      const atUrl = error instanceof ValaraError ? error.fieldErrors.find((one) => one.field === "url") : undefined;
      if (atUrl) setUrlError(atUrl.message);
      else setFailure(text);
    } finally {
      setBusy(false);
    }
  }

  const toggle = (type: EventType, on: boolean) =>
    setTypes((before) => {
      const next = new Set(before);
      if (on) next.add(type);
      else next.delete(type);
      return next;
    });

  return (
    <form ref={form} onSubmit={submit} noValidate aria-label="Add an endpoint">
      <Stack>
        {failure ? <Alert tone="error">{failure}</Alert> : null}
        <Field
          label="Endpoint URL"
          type="url"
          inputMode="url"
          autoComplete="off"
          spellCheck={false}
          value={url}
          onChange={(event) => setUrl(event.target.value)}
          error={urlError}
        />
        <Field
          label="Description"
          autoComplete="off"
          hint="Optional: what receives these events."
          value={description}
          onChange={(event) => setDescription(event.target.value)}
        />
        <FieldGroup legend="Event types">
          <p className="ui-hint">Leave all unchecked to receive every event type.</p>
          {catalog.map((item) => (
            <label key={item.type} className="kit-check">
              <input
                type="checkbox"
                checked={types.has(item.type as EventType)}
                onChange={(event) => toggle(item.type as EventType, event.target.checked)}
              />
              <span>
                <code>{item.type}</code> <span className="kit-muted">{item.description.replace(/`/g, "")}</span>
              </span>
            </label>
          ))}
        </FieldGroup>
        <div>
          <Button type="submit" variant="primary" busy={busy}>
            Add endpoint
          </Button>
        </div>
      </Stack>
    </form>
  );
}
