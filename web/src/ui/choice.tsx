import { type ComponentProps, type ReactNode, useId } from "react";
import "./choice.css";

interface ChoiceOwnProps {
  label: string;
  /** Help read with the control (aria-describedby): e.g. why it is disabled. */
  hint?: ReactNode;
  error?: string | undefined;
}

function describe(id: string, hint: ReactNode, error: string | undefined) {
  const ids = [error ? `${id}-error` : "", hint ? `${id}-hint` : ""].filter(Boolean).join(" ");
  return ids || undefined;
}

function Notes({ id, hint, error }: { id: string; hint: ReactNode; error: string | undefined }) {
  return (
    <>
      {hint ? (
        <p className="ui-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="ui-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </>
  );
}

/** A labelled select of `options` ({value, label}), with hint and error as Field has them. */
export function SelectField({
  label,
  hint,
  error,
  options,
  ...rest
}: ChoiceOwnProps & { options: { value: string; label: string }[] } & Omit<ComponentProps<"select">, "id">) {
  const id = useId();
  return (
    <div className={error ? "ui-field ui-field--invalid" : "ui-field"}>
      <label className="ui-label" htmlFor={id}>
        {label}
      </label>
      <select
        {...rest}
        id={id}
        className="ui-input"
        aria-invalid={error ? true : undefined}
        aria-describedby={describe(id, hint, error)}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <Notes id={id} hint={hint} error={error} />
    </div>
  );
}

/** A labelled checkbox (the label after the box, as people expect), with hint and error. */
export function CheckboxField({
  label,
  hint,
  error,
  ...rest
}: ChoiceOwnProps & Omit<ComponentProps<"input">, "id" | "type">) {
  const id = useId();
  return (
    <div className={error ? "ui-field ui-field--invalid" : "ui-field"}>
      <div className="ui-check">
        <input
          {...rest}
          id={id}
          type="checkbox"
          aria-invalid={error ? true : undefined}
          aria-describedby={describe(id, hint, error)}
        />
        <label className="ui-label" htmlFor={id}>
          {label}
        </label>
      </div>
      <Notes id={id} hint={hint} error={error} />
    </div>
  );
}
