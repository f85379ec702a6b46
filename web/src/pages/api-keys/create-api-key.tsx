import { type FormEvent, useRef, useState } from "react";
import { flushSync } from "react-dom";
import type { CreatedApiKey } from "valara-users/client";
import { Alert, Button, Field } from "../../ui";
import { useFailure, valara } from "../kit/valara";

const DAY_SECONDS = 24 * 60 * 60;
const MAX_DAYS = 3650;

/** The form that makes a key: a name, and an optional expiry in whole days. */
export function CreateApiKey({ onCreated }: { onCreated(key: CreatedApiKey): void }) {
  const fail = useFailure();
  const [name, setName] = useState("");
  const [days, setDays] = useState("");
  const [errors, setErrors] = useState<{ name?: string; days?: string }>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const dayCount = Number(days);
    const found = {
      ...(name.trim() ? {} : { name: "Give the key a name, so that you can tell it from your others." }),
      ...(days.trim() === "" || (Number.isInteger(dayCount) && dayCount >= 1 && dayCount <= MAX_DAYS)
        ? {}
        : { days: `Enter a whole number of days from 1 to ${MAX_DAYS}, or leave it empty for no expiry.` }),
    };
    flushSync(() => {
      setErrors(found);
      setFailure(null);
    });
    if (found.name || found.days) {
      form.current?.querySelector<HTMLElement>("[aria-invalid='true']")?.focus();
      return;
    }
    setBusy(true);
    try {
      const created = await valara.auth.apiKeys.create({
        name: name.trim(),
        ...(days.trim() ? { expiresIn: dayCount * DAY_SECONDS } : {}),
      });
      setName("");
      setDays("");
      onCreated(created);
    } catch (error) {
      setFailure(fail(error, "creating the key"));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form ref={form} onSubmit={submit} noValidate className="kit-form" aria-label="Create an API key">
      {failure ? <Alert tone="error">{failure}</Alert> : null}
      <Field
        label="Key name"
        name="name"
        maxLength={64}
        autoComplete="off"
        value={name}
        onChange={(event) => setName(event.target.value)}
        error={errors.name}
      />
      <Field
        label="Expires after (days)"
        name="days"
        inputMode="numeric"
        autoComplete="off"
        hint="Leave empty for a key that does not expire."
        value={days}
        onChange={(event) => setDays(event.target.value)}
        error={errors.days}
      />
      <Button type="submit" variant="primary" busy={busy}>
        Create key
      </Button>
    </form>
  );
}
