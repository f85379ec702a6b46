import { useRef, useState } from "react";
import { useNavigationGuard } from "../../router";
import { Alert, Button, Field, Stack } from "../../ui";

interface SecretOnceProps {
  /** What the secret is, for the texts: "API key", "signing secret". */
  what: string;
  secret: string;
  /** The person confirmed they saved it: the secret is dropped and never shown again. */
  onDone(): void;
}

/**
 * A secret the server shows this once. It stays on screen, with a Copy button, until the person
 * says they saved it; leaving the page before that asks first (the secret cannot be fetched again).
 */
export function SecretOnce({ what, secret, onDone }: SecretOnceProps) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  useNavigationGuard(`The new ${what} is shown only now. Leave without saving it?`);

  async function copy() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied("yes");
    } catch {
      // No clipboard (permission refused, insecure origin): select the text for a manual copy.
      box.current?.select();
      setCopied("failed");
    }
  }

  return (
    <Alert tone="success" title={`Your new ${what}`}>
      <Stack gap="sm">
        <p>Copy it now and keep it somewhere safe: it will not be shown again.</p>
        <div className="kit-secret">
          <Field
            multiline
            readOnly
            ref={box}
            label={`New ${what}`}
            value={secret}
            rows={2}
            spellCheck={false}
            onFocus={(event) => event.currentTarget.select()}
          />
        </div>
        <div className="kit-actions">
          <Button variant="primary" onClick={() => void copy()}>
            Copy {what}
          </Button>
          <Button onClick={onDone}>I have saved it</Button>
        </div>
        <p role="status" className="kit-muted">
          {copied === "yes" ? "Copied to the clipboard." : null}
          {copied === "failed" ? "Copying failed: the text is selected, copy it with your keyboard." : null}
        </p>
      </Stack>
    </Alert>
  );
}
