import { type FormEvent, useEffect, useRef, useState } from "react";
import { flushSync } from "react-dom";
import { metaOf, type User, ValaraError } from "valara-users/client";
import { useNavigationGuard } from "../router";
import { useSession } from "../session";
import { Button, CheckboxField, ConfirmDialog, Field, SelectField } from "../ui";
import { valara } from "../valara";
import { ACCOUNT_LABELS, type Account, type AccountStatus, accountOf, accountPatch, risks } from "./account-model";
import { failureMessage, isUnreachable, type SaveState, useIdempotencyKey } from "./save-state";
import { SaveStatus } from "./save-status";

const STATUSES: AccountStatus[] = ["active", "suspended", "pending"];
const SELF_NOTE =
  "This is your own account: you cannot change its role, deactivate it or change its status here, as that could lock you out of administration. Another admin can.";

/** The admin-only fields of one user, saved through PUT, with a confirmation for risky changes. */
export function AccountSection({ user, onUser }: { user: User; onUser(user: User): void }) {
  const session = useSession();
  const self = session.user.id === user.id;
  const [draft, setDraft] = useState<Account>(() => accountOf(user));
  const [errors, setErrors] = useState<Partial<Record<keyof Account, string>>>({});
  const [state, setState] = useState<SaveState>({ kind: "idle" });
  const [confirming, setConfirming] = useState<string[] | null>(null);
  const key = useIdempotencyKey();
  const form = useRef<HTMLFormElement>(null);
  const status = useRef<HTMLDivElement>(null);
  const loaded = useRef(user);

  // A newer version of the user (the profile form saved, or reloaded it after a conflict):
  // untouched fields follow it; a field the admin changed that also changed there is said, so
  // that saving again is a knowing choice.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the user changes; `draft` is this render's
  useEffect(() => {
    const before = accountOf(loaded.current);
    const after = accountOf(user);
    loaded.current = user;
    const next = { ...draft };
    const clashes: string[] = [];
    for (const name of Object.keys(before) as (keyof Account)[]) {
      if (draft[name] === before[name]) Object.assign(next, { [name]: after[name] });
      else if (before[name] !== after[name]) clashes.push(`${ACCOUNT_LABELS[name]}: ${before[name]} → ${after[name]}`);
    }
    setDraft(next);
    if (clashes.length > 0) {
      key.drop();
      setState({
        kind: "failed",
        message: `Changed elsewhere meanwhile: ${clashes.join("; ")}. Your choices are kept; save again to apply them.`,
      });
    }
  }, [user]);

  useEffect(() => {
    if (state.kind === "idle" || state.kind === "saving" || (state.kind === "failed" && state.atFields)) return;
    status.current?.focus();
  }, [state]);

  const patch = accountPatch(user, draft);
  const changed = Object.keys(patch).length > 0;
  const saving = state.kind === "saving";
  useNavigationGuard(changed ? "This user's account has unsaved changes. Leave without saving them?" : null);

  function edit(next: Partial<Account>) {
    key.drop();
    setDraft((current) => ({ ...current, ...next }));
    setErrors({});
    if (!saving) setState({ kind: "idle" });
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!changed || saving) return;
    const said = risks(user, patch);
    if (said.length > 0) setConfirming(said);
    else void save();
  }

  async function save() {
    setConfirming(null);
    setState({ kind: "saving" });
    try {
      const saved = await valara.users.replace(user.id, patch, {
        ifMatch: metaOf(user).etag,
        idempotencyKey: key.current(),
      });
      key.drop();
      loaded.current = saved;
      setDraft(accountOf(saved));
      onUser(saved);
      setState({ kind: "saved" });
    } catch (error) {
      await failed(error);
    }
  }

  async function failed(error: unknown) {
    if (isUnreachable(error)) return setState({ kind: "unreachable" });
    if (!(error instanceof ValaraError)) return setState({ kind: "failed", message: failureMessage(error) });
    if (error.status === 401) return session.ended();
    if (error.code === "email_taken")
      return showErrors({ email: "That email address is already used by another user." });
    if (error.code === "validation_failed" && error.fieldErrors.length > 0) {
      const found: Partial<Record<keyof Account, string>> = {};
      for (const problem of error.fieldErrors) {
        if (problem.field in ACCOUNT_LABELS) found[problem.field as keyof Account] = problem.message;
      }
      if (Object.keys(found).length > 0) return showErrors(found);
    }
    if (error.status === 412) {
      // Changed elsewhere: the untouched fields take the new values (the effect above); the
      // person's own choices stay, unsaved, until they save again knowingly.
      key.drop();
      try {
        onUser(await valara.users.get(user.id));
      } catch {}
      return setState({
        kind: "failed",
        message:
          "This user was changed elsewhere since you opened it. The form now shows the latest values next to your changes: check them, then save again.",
      });
    }
    setState({ kind: "failed", message: failureMessage(error) });
  }

  function showErrors(found: Partial<Record<keyof Account, string>>) {
    flushSync(() => {
      setErrors(found);
      setState({ kind: "failed", message: "Not saved: see the message at the field.", atFields: true });
    });
    form.current?.querySelector<HTMLElement>("[aria-invalid='true']")?.focus();
  }

  const roles = [...new Set(["user", "admin", user.role])];
  return (
    <form ref={form} className="account-form" onSubmit={submit} noValidate aria-label="Account">
      {self ? <p className="account-note">{SELF_NOTE}</p> : null}
      <Field
        label={ACCOUNT_LABELS.email}
        type="email"
        name="email"
        autoComplete="off"
        spellCheck={false}
        value={draft.email}
        onChange={(event) => edit({ email: event.target.value })}
        error={errors.email}
      />
      <SelectField
        label={ACCOUNT_LABELS.role}
        options={roles.map((role) => ({ value: role, label: role }))}
        value={draft.role}
        disabled={self}
        hint={self ? "Your own role cannot be changed here." : undefined}
        error={errors.role}
        onChange={(event) => edit({ role: event.target.value })}
      />
      <SelectField
        label={ACCOUNT_LABELS.account_status}
        options={STATUSES.map((value) => ({ value, label: value[0]?.toUpperCase() + value.slice(1) }))}
        value={draft.account_status}
        disabled={self}
        hint={self ? "Your own account status cannot be changed here." : undefined}
        error={errors.account_status}
        onChange={(event) => edit({ account_status: event.target.value as AccountStatus })}
      />
      <CheckboxField
        label={ACCOUNT_LABELS.is_active}
        checked={draft.is_active}
        disabled={self}
        hint={self ? "You cannot deactivate yourself." : "An inactive user cannot sign in or use API keys."}
        error={errors.is_active}
        onChange={(event) => edit({ is_active: event.target.checked })}
      />
      <CheckboxField
        label={ACCOUNT_LABELS.email_verified}
        checked={draft.email_verified}
        error={errors.email_verified}
        onChange={(event) => edit({ email_verified: event.target.checked })}
      />
      <div className="profile-actions__status" tabIndex={-1} ref={status}>
        <SaveStatus
          state={state}
          onRetry={() => {
            status.current?.focus();
            void save();
          }}
        />
      </div>
      <div className="profile-actions__buttons">
        <Button type="submit" variant="primary" busy={saving} disabled={!changed}>
          Save account
        </Button>
      </div>
      <ConfirmDialog
        open={confirming !== null}
        title="Confirm the account change"
        confirmLabel="Yes, save the change"
        onConfirm={() => void save()}
        onCancel={() => setConfirming(null)}
      >
        <ul>
          {(confirming ?? []).map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      </ConfirmDialog>
    </form>
  );
}
