import { type FormEvent, useRef, useState } from "react";
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

/** Email and password (Better Auth); `notice` explains why the person is here (session ended). */
export function SignInPage({ onSignedIn, notice }: { onSignedIn: () => Promise<void>; notice?: string | null }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [fieldErrors, setFieldErrors] = useState<{ email?: string; password?: string }>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const errors = {
      ...(email.trim() ? {} : { email: "Enter your email address." }),
      ...(password ? {} : { password: "Enter your password." }),
    };
    setFieldErrors(errors);
    setFailure(null);
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
        <h1 className="sign-in__title">Sign in</h1>
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
