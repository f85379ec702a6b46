import { useState } from "react";
import { Alert, Button, Page, Section, Stack } from "../ui";
import { SecretOnce } from "./kit/secret-once";
import { usePaged } from "./kit/use-paged";
import { valara } from "./kit/valara";
import { CreateEndpoint } from "./webhooks/create-endpoint";
import { EndpointItem } from "./webhooks/endpoint-item";
import "./kit/kit.css";

/** Admins: webhook endpoints (add, test, enable or disable, delete) and their deliveries. */
export function WebhooksPage({ title }: { title: string }) {
  const endpoints = usePaged(() => valara.webhooks.list({ limit: 50 }), "endpoints", "loading the endpoints");
  const [secret, setSecret] = useState<string | null>(null);

  if (endpoints.forbidden) {
    return (
      <Page title={title}>
        <Section title="Not available to you">
          <Alert tone="error">
            <p>You may not see the webhooks: they are for administrators only.</p>
          </Alert>
        </Section>
      </Page>
    );
  }

  return (
    <Page title={title}>
      <Section title="Add an endpoint">
        <Stack>
          <p className="kit-muted">
            Every change to a user is POSTed, signed with the endpoint's secret, to each endpoint that subscribes to its
            event type.
          </p>
          {secret ? (
            <SecretOnce what="signing secret" secret={secret} onDone={() => setSecret(null)} />
          ) : (
            <CreateEndpoint
              onCreated={(created) => {
                setSecret(created.secret);
                endpoints.reload();
              }}
            />
          )}
        </Stack>
      </Section>
      <Section title="Endpoints">
        <Stack>
          {endpoints.failure ? <Alert tone="error">{endpoints.failure}</Alert> : null}
          {endpoints.loading ? <p role="status">Loading the endpoints…</p> : null}
          {!endpoints.loading && !endpoints.failure && endpoints.items.length === 0 ? <p>No endpoints yet.</p> : null}
          {endpoints.items.length > 0 ? (
            <ul className="kit-list" aria-label="Endpoints">
              {endpoints.items.map((endpoint) => (
                <EndpointItem key={endpoint.id} endpoint={endpoint} onChanged={endpoints.reload} />
              ))}
            </ul>
          ) : null}
          {endpoints.hasMore ? (
            <p>
              <Button onClick={endpoints.loadMore} busy={endpoints.loadingMore}>
                Load more endpoints
              </Button>
            </p>
          ) : null}
        </Stack>
      </Section>
    </Page>
  );
}
