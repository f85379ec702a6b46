import { type ComponentProps, type ReactNode, useId } from "react";

interface FieldOwnProps {
  /** The visible label, which is also the input's accessible name. */
  label: string;
  /** A message in words; marks the input aria-invalid and is read with it. */
  error?: string | undefined;
  /** Help shown under the input, read with it too. */
  hint?: ReactNode;
}

// ComponentProps include `ref` (a plain prop in React 19), passed on to the input itself.
type InputProps = FieldOwnProps & { multiline?: false } & Omit<ComponentProps<"input">, "id">;
type TextareaProps = FieldOwnProps & { multiline: true } & Omit<ComponentProps<"textarea">, "id">;

/**
 * A labelled input (or textarea with `multiline`). The error and hint are tied to the input with
 * aria-describedby, so a screen reader reads them when the input is focused.
 */
export function Field(props: InputProps | TextareaProps) {
  const id = useId();
  const { label, error, hint, multiline, ...inputProps } = props;
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [error ? errorId : "", hint ? hintId : ""].filter(Boolean).join(" ") || undefined;
  const shared = {
    id,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": describedBy,
    className: "ui-input",
  } as const;
  return (
    <div className={error ? "ui-field ui-field--invalid" : "ui-field"}>
      <label className="ui-label" htmlFor={id}>
        {label}
      </label>
      {multiline ? (
        <textarea {...(inputProps as ComponentProps<"textarea">)} {...shared} />
      ) : (
        <input {...(inputProps as ComponentProps<"input">)} {...shared} />
      )}
      {hint ? (
        <p className="ui-hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="ui-error" id={errorId}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** Related fields under one heading (a fieldset with its legend): the profile's groups. */
export function FieldGroup({ legend, children }: { legend: string; children: ReactNode }) {
  return (
    <fieldset className="ui-group">
      <legend className="ui-legend">{legend}</legend>
      {children}
    </fieldset>
  );
}
