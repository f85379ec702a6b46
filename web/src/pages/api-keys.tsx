import { useCallback, useEffect, useState } from "react";
import { flushSync } from "react-dom";
import type { ApiKey } from "valara-users/client";
import { Alert, Page, Section, Stack } from "../ui";
import { ApiKeyItem } from "./api-keys/api-key-item";
import { CreateApiKey } from "./api-keys/create-api-key";
import { SecretOnce } from "./kit/secret-once";
import { useFailure, valara } from "./kit/valara";
import "./kit/kit.css";

/** The signed-in person's API keys: make one (its secret shown once), see them, revoke one. */
export function ApiKeysPage({ title }: { title: string }) {
  const fail = useFailure();
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const list = await valara.auth.apiKeys.list();
      // Newest first: the one just made is at the top.
      setKeys([...list].sort((a, b) => b.createdAt.localeCompare(a.createdAt)));
      setFailure(null);
    } catch (error) {
      setFailure(fail(error, "loading your API keys"));
    }
  }, [fail]);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <Page title={title}>
      <Section title="Create an API key">
        <Stack>
          <p className="kit-muted">
            A key lets a program use the API as you (send it as <code>Authorization: Bearer</code>). Anyone holding it
            can read and change your profile, so keep it secret.
          </p>
          {secret ? (
            <SecretOnce
              what="API key"
              secret={secret}
              onDone={() => {
                flushSync(() => {
                  setSecret(null);
                  setNotice("The key is no longer shown. It is listed below by its first characters.");
                });
                // The secret and its buttons are gone: focus goes back to the form, not to the page's end.
                document.querySelector<HTMLElement>("form[aria-label='Create an API key'] input")?.focus();
              }}
            />
          ) : (
            <CreateApiKey
              onCreated={(created) => {
                setNotice(null);
                setSecret(created.key);
                void load();
              }}
            />
          )}
          {notice ? <Alert tone="info">{notice}</Alert> : null}
        </Stack>
      </Section>
      <Section title="Your API keys">
        <Stack>
          {failure ? <Alert tone="error">{failure}</Alert> : null}
          {keys === null && !failure ? <p role="status">Loading your API keys…</p> : null}
          {keys?.length === 0 ? <p>You have no API keys yet.</p> : null}
          {keys && keys.length > 0 ? (
            <ul className="kit-list" aria-label="API keys">
              {keys.map((key) => (
                <ApiKeyItem key={key.id} apiKey={key} onChanged={load} />
              ))}
            </ul>
          ) : null}
        </Stack>
      </Section>
    </Page>
  );
}
