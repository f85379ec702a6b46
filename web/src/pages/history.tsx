import type { HistoryEntry } from "valara-users/client";
import { useSession } from "../session";
import { Alert, Button, Page, Section, Stack } from "../ui";
import { usePaged } from "./kit/use-paged";
import { valara } from "./kit/valara";
import { fieldLabel, valueText } from "./kit/values";
import { When } from "./kit/when";
import "./kit/kit.css";

const PAGE_SIZE = 20;

/** The signed-in person's profile changes, newest first, a page at a time. */
export function HistoryPage({ title }: { title: string }) {
  const { user } = useSession();
  const history = usePaged(() => valara.users.history(user.id, { limit: PAGE_SIZE }), user.id, "loading the history");

  return (
    <Page title={title}>
      <Section title="Changes to your profile">
        <Stack>
          {history.failure ? (
            <Alert tone="error">
              <p>{history.failure}</p>
              <Button onClick={history.reload}>Try again</Button>
            </Alert>
          ) : null}
          {history.loading ? <p role="status">Loading the history…</p> : null}
          {!history.loading && !history.failure && history.items.length === 0 ? (
            <p>No changes yet. When your profile changes, each change shows here: when, who, and what.</p>
          ) : null}
          {history.items.length > 0 ? (
            <ol className="kit-list" aria-label="Changes, newest first">
              {history.items.map((entry) => (
                <Change key={entry.id} entry={entry} you={user.id} />
              ))}
            </ol>
          ) : null}
          {history.hasMore ? (
            <div>
              <Button onClick={history.loadMore} busy={history.loadingMore}>
                Load more
              </Button>
            </div>
          ) : null}
        </Stack>
      </Section>
    </Page>
  );
}

function Change({ entry, you }: { entry: HistoryEntry; you: string }) {
  const who = entry.actor_id === you ? "you" : entry.actor_id;
  return (
    <li className="kit-item">
      <h3 className="kit-item__title">
        <When at={entry.at} /> <span className="kit-muted">by {who}</span>
      </h3>
      <ul className="kit-change">
        {Object.entries(entry.changes).map(([field, change]) => (
          <li key={field}>
            <strong>{fieldLabel(field)}</strong>: {valueText(change.from)} → {valueText(change.to)}
          </li>
        ))}
      </ul>
    </li>
  );
}
