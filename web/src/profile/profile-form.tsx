import { type FormEvent, useEffect, useRef, useState } from "react";
import { flushSync } from "react-dom";
import { metaOf, PROFILE_FIELD_GROUPS, PROFILE_FIELDS, type User, ValaraError } from "valara-users/client";
import { useNavigationGuard } from "../router";
import { useSession } from "../session";
import { Button, FieldGroup } from "../ui";
import { valara } from "../valara";
import { ConflictView } from "./conflict-view";
import { ProfileInput } from "./profile-input";
import {
  changedFields,
  type Edits,
  type FieldName,
  inputValue,
  inWords,
  patchOf,
  type RemoteChange,
  remoteChanges,
} from "./profile-model";
import { failureMessage, isUnreachable, type SaveState, useIdempotencyKey } from "./save-state";
import { SaveStatus } from "./save-status";
import "./profile.css";

interface ProfileFormProps {
  /** The user as last loaded or saved; its ETag guards the save. */
  user: User;
  /** A newer version of the user: after a save, or reloaded after a conflict. */
  onUser(user: User): void;
}

/**
 * Every profile field of the catalog, in its groups. Save sends only the changed fields, with
 * If-Match and one idempotency key; a conflict (412) is shown and decided by the person.
 */
export function ProfileForm({ user, onUser }: ProfileFormProps) {
  const session = useSession();
  const [edits, setEdits] = useState<Edits>({});
  const [errors, setErrors] = useState<Partial<Record<string, string>>>({});
  const [state, setState] = useState<SaveState>({ kind: "idle" });
  const [conflict, setConflict] = useState<RemoteChange[] | null>(null);
  const key = useIdempotencyKey();
  const form = useRef<HTMLFormElement>(null);
  const status = useRef<HTMLDivElement>(null);
  const seen = useRef(user);

  // A newer version arriving from outside this form (the admin page's account section reloaded
  // it): untouched fields follow it, but a field the person is editing that changed there is
  // shown as a conflict, so that their save does not overwrite it unseen.
  useEffect(() => {
    const before = seen.current;
    seen.current = user;
    if (before === user) return;
    const changes = remoteChanges(before, user);
    if (changes.some(({ spec }) => edits[spec.name] !== undefined)) setConflict(changes);
  }, [user, edits]);

  // An outcome takes the focus: the button pressed is disabled or gone by then, and a screen
  // reader reads the outcome. Field errors and a conflict move the focus themselves.
  useEffect(() => {
    if (state.kind === "idle" || state.kind === "saving" || (state.kind === "failed" && state.atFields)) return;
    status.current?.focus();
  }, [state]);

  const changed = changedFields(user, edits);
  const saving = state.kind === "saving";
  useNavigationGuard(changed.length > 0 ? "This profile has unsaved changes. Leave without saving them?" : null);

  function edit(name: FieldName, value: string) {
    key.drop(); // a different request from now on: a new key
    setEdits((current) => ({ ...current, [name]: value }));
    setErrors(({ [name]: _fixed, ...rest }) => rest);
    if (state.kind !== "saving") setState({ kind: "idle" });
  }

  async function save(base: User) {
    const patch = patchOf(base, edits);
    if (Object.keys(patch).length === 0) {
      setConflict(null);
      setEdits({});
      return;
    }
    setState({ kind: "saving" });
    try {
      const saved = await valara.users.update(base.id, patch, {
        ifMatch: metaOf(base).etag,
        idempotencyKey: key.current(),
      });
      key.drop();
      setEdits({});
      setErrors({});
      setConflict(null);
      seen.current = saved;
      onUser(saved);
      setState({ kind: "saved" });
    } catch (error) {
      await failed(base, error);
    }
  }

  async function failed(base: User, error: unknown) {
    if (isUnreachable(error)) return setState({ kind: "unreachable" });
    if (!(error instanceof ValaraError)) return setState({ kind: "failed", message: failureMessage(error) });
    if (error.status === 401) return session.ended();
    if (error.status === 412) return showConflict(base);
    if (error.code === "validation_failed" && error.fieldErrors.length > 0) return showFieldErrors(error);
    setState({ kind: "failed", message: failureMessage(error) });
  }

  async function showConflict(base: User) {
    key.drop(); // the next save carries another If-Match: another request
    try {
      const fresh = await valara.users.get(base.id);
      setConflict(remoteChanges(base, fresh));
      seen.current = fresh;
      onUser(fresh);
      setState({ kind: "idle" });
    } catch (error) {
      if (error instanceof ValaraError && error.status === 401) return session.ended();
      setState({ kind: "failed", message: failureMessage(error) });
    }
  }

  function showFieldErrors(error: ValaraError) {
    const next: Record<string, string> = {};
    const elsewhere: string[] = [];
    for (const problem of error.fieldErrors) {
      const spec = PROFILE_FIELDS.find((field) => field.name === problem.field);
      if (!spec) elsewhere.push(problem.message);
      else next[spec.name] ??= inWords(spec.label, spec.name, problem.message);
    }
    const count = Object.keys(next).length;
    const summary = `${count === 1 ? "One field needs" : `${count} fields need`} attention: see the messages below each.`;
    // Rendered at once, so that focus can move to the first field in error.
    flushSync(() => {
      setErrors(next);
      setState({
        kind: "failed",
        message: [count > 0 ? summary : "", ...elsewhere].filter(Boolean).join(" "),
        atFields: count > 0,
      });
    });
    form.current?.querySelector<HTMLElement>("[aria-invalid='true']")?.focus();
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!saving && !conflict && changed.length > 0) void save(user);
  }

  function takeNew() {
    key.drop();
    setEdits({});
    setErrors({});
    setConflict(null);
    setState({ kind: "note", message: "Your edits were dropped: the form shows the latest saved values." });
  }

  return (
    <form ref={form} className="profile-form" onSubmit={submit} noValidate aria-label="Profile">
      {PROFILE_FIELD_GROUPS.map((group) => (
        <FieldGroup key={group.id} legend={group.label}>
          <div className="profile-form__fields">
            {PROFILE_FIELDS.filter((spec) => spec.group === group.id).map((spec) => (
              <ProfileInput
                key={spec.name}
                spec={spec}
                value={inputValue(user, edits, spec.name)}
                error={errors[spec.name]}
                onEdit={(value) => edit(spec.name, value)}
              />
            ))}
          </div>
        </FieldGroup>
      ))}
      {conflict ? (
        <ConflictView
          changes={conflict}
          edits={Object.fromEntries(changed.map((spec) => [spec.name, edits[spec.name]]))}
          busy={saving}
          onKeep={() => void save(user)}
          onTake={takeNew}
        />
      ) : null}
      <div className="profile-actions">
        <div className="profile-actions__status" tabIndex={-1} ref={status}>
          <SaveStatus
            state={state}
            onRetry={() => {
              status.current?.focus(); // the Try again button goes away while saving
              void save(user);
            }}
          />
        </div>
        <div className="profile-actions__buttons">
          <Button type="submit" variant="primary" busy={saving} disabled={changed.length === 0 || conflict !== null}>
            Save
          </Button>
          <Button disabled={changed.length === 0 || saving} onClick={takeNew}>
            Discard changes
          </Button>
        </div>
      </div>
    </form>
  );
}
