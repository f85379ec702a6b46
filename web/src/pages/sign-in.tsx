import { type FormEvent, useEffect, useRef, useState } from "react";
import { flushSync } from "react-dom";
import { authClient } from "../auth-client";
import { Alert, Button, Field, Stack } from "../ui";

interface Failure {
  status: number;
  error?: { code?: string; message?: string; request_id?: string; details?: { auth_code?: string } };
}

// Better Auth's answers, restated in our envelope by the server (auth.routes.ts), in words.
function failureMessage(failure: Failure): string {
  const authCode = failure.error?.details?.auth_code;
  if (failure.status === 401 || authCode === "INVALID_EMAIL_OR_PASSWORD") {
    return "Wrong email or password. Check both and try again.";
  }
  if (authCode === "ACCOUNT_INACTIVE") return "This account is inactive or suspended. Ask an administrator.";
  if (failure.status === 429) return "Too many sign-in attempts. Wait a minute, then try again.";
  const reference = failure.error?.request_id ? ` (reference ${failure.error.request_id})` : "";
  return `Signing in failed: the server answered ${failure.status}${reference}. Try again shortly.`;
}

interface SignInPageProps {
  onSignedIn: () => Promise<void>;
  /** Why the person is here (their session ended), shown above the form. */
  notice?: string | null;
  /** Focus the heading on arrival: after a sign-out, focus would otherwise be lost with the shell. */
  focusOnArrival?: boolean;
}

/** Email and password (Better Auth). */
export function SignInPage({ onSignedIn, notice, focusOnArrival = false }: SignInPageProps) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [fieldErrors, setFieldErrors] = useState<{ email?: string; password?: string }>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (focusOnArrival) heading.current?.focus();
  }, [focusOnArrival]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const errors = {
      ...(email.trim() ? {} : { email: "Enter your email address." }),
      ...(password ? {} : { password: "Enter your password." }),
    };
    // Rendered at once, so that focus can move to the first field in error.
    flushSync(() => {
      setFieldErrors(errors);
      setFailure(null);
    });
    if (errors.email || errors.password) {
      form.current?.querySelector<HTMLElement>("[aria-invalid='true']")?.focus();
      return;
    }
    setBusy(true);
    try {
      const { error } = await authClient.signIn.email({ email: email.trim(), password });
      if (error) {
        setFailure(failureMessage(error as Failure));
        return;
      }
      await onSignedIn();
    } catch {
      setFailure("The server could not be reached. Check your connection and try again.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in" id="main">
      <div className="sign-in__card">
        <p className="sign-in__brand">Valara</p>
        <h1 className="sign-in__title" tabIndex={-1} ref={heading}>
          Sign in
        </h1>
        <form ref={form} onSubmit={submit} noValidate>
          <Stack>
            {notice ? <Alert tone="info">{notice}</Alert> : null}
            {failure ? <Alert tone="error">{failure}</Alert> : null}
            <Field
              label="Email"
              type="email"
              name="email"
              autoComplete="username"
              inputMode="email"
              autoCapitalize="none"
              spellCheck={false}
              value={email}
              onChange={(event) => setEmail(event.target.value)}
              error={fieldErrors.email}
            />
            <Field
              label="Password"
              type="password"
              name="password"
              autoComplete="current-password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              error={fieldErrors.password}
            />
            <Button type="submit" variant="primary" busy={busy}>
              Sign in
            </Button>
          </Stack>
        </form>
      </div>
    </main>
  );
}
