import { Alert, Button } from "../ui";
import type { SaveState } from "./save-state";

/** The outcome of the last save, in words, next to the Save button. */
export function SaveStatus({ state, onRetry }: { state: SaveState; onRetry(): void }) {
  switch (state.kind) {
    case "saved":
      return <Alert tone="success">Saved.</Alert>;
    case "note":
      return <Alert tone="info">{state.message}</Alert>;
    case "failed":
      return <Alert tone="error">{state.message}</Alert>;
    case "unreachable":
      return (
        <Alert tone="error" title="Not saved: the server could not be reached">
          <p>Your edits are still here. Check your connection, then try again.</p>
          <Button variant="primary" onClick={onRetry}>
            Try again
          </Button>
        </Alert>
      );
    default:
      return null;
  }
}
