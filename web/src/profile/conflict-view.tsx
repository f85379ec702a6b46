import { useEffect, useRef } from "react";
import { PROFILE_FIELDS } from "valara-users/client";
import { Button } from "../ui";
import type { Edits, RemoteChange } from "./profile-model";

const either = (value: string) => (value === "" ? "(empty)" : value);

interface ConflictViewProps {
  /** The fields someone else changed since the form was loaded (old → new). */
  changes: RemoteChange[];
  /** The person's own edits, still unsaved. */
  edits: Edits;
  busy: boolean;
  onKeep(): void;
  onTake(): void;
}

/**
 * The profile changed elsewhere (412): what changed there, next to what the person typed, and
 * their choice. Nothing is saved until they choose. Focus moves here so that it is read first.
 */
export function ConflictView({ changes, edits, busy, onKeep, onTake }: ConflictViewProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const mine = PROFILE_FIELDS.filter((spec) => edits[spec.name] !== undefined);
  return (
    <section className="profile-conflict" aria-labelledby="profile-conflict-title">
      <h2 id="profile-conflict-title" className="profile-conflict__title" tabIndex={-1} ref={heading}>
        This profile was changed elsewhere
      </h2>
      <p>Since you opened it, someone (or you, in another tab) saved it. Your edits are not saved yet.</p>
      {changes.length > 0 ? (
        <>
          <h3 className="profile-conflict__sub">Changed elsewhere</h3>
          <ul className="profile-conflict__list">
            {changes.map(({ spec, from, to }) => (
              <li key={spec.name}>
                <strong>{spec.label}</strong>: {either(from)} → {either(to)}
                {edits[spec.name] !== undefined ? <> (your edit: {either(edits[spec.name] ?? "")})</> : null}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>None of the fields below changed; only the account did.</p>
      )}
      <h3 className="profile-conflict__sub">Your edits</h3>
      <ul className="profile-conflict__list">
        {mine.map((spec) => (
          <li key={spec.name}>
            <strong>{spec.label}</strong>: {either(edits[spec.name] ?? "")}
          </li>
        ))}
      </ul>
      <p>
        Keep my edits: save your edits on top of the new version (the fields you did not touch keep the new values).
        Take the new values: drop your edits.
      </p>
      <div className="profile-actions__buttons">
        <Button variant="primary" busy={busy} onClick={onKeep}>
          Keep my edits
        </Button>
        <Button onClick={onTake} disabled={busy}>
          Take the new values
        </Button>
      </div>
    </section>
  );
}
