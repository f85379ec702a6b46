import { type FormEvent, useId, useState } from "react";
import { Button, Field } from "../../ui";

export interface Filters {
  role: "" | "user" | "admin";
  active: "" | "active" | "inactive";
  search: string;
}

export const useFilters = () => useState<Filters>({ role: "", active: "", search: "" });

function Select<T extends string>(props: {
  label: string;
  value: T;
  options: [T, string][];
  onChange(value: T): void;
}) {
  const id = useId();
  return (
    <div className="ui-field">
      <label className="ui-label" htmlFor={id}>
        {props.label}
      </label>
      <select
        id={id}
        className="kit-select"
        value={props.value}
        onChange={(event) => props.onChange(event.target.value as T)}
      >
        {props.options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * The list's filters. Role and active apply at once; the search applies on Search (or Enter), so
 * that typing does not send a request per letter.
 */
export function UserFilters({ filters, onChange }: { filters: Filters; onChange(filters: Filters): void }) {
  const [search, setSearch] = useState(filters.search);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onChange({ ...filters, search: search.trim() });
  };
  return (
    <form className="kit-form" onSubmit={submit}>
      <Select
        label="Role"
        value={filters.role}
        options={[
          ["", "All roles"],
          ["user", "User"],
          ["admin", "Admin"],
        ]}
        onChange={(role) => onChange({ ...filters, role })}
      />
      <Select
        label="Active"
        value={filters.active}
        options={[
          ["", "Active and inactive"],
          ["active", "Active only"],
          ["inactive", "Inactive only"],
        ]}
        onChange={(active) => onChange({ ...filters, active })}
      />
      <Field
        label="Name or email"
        type="search"
        value={search}
        onChange={(event) => setSearch(event.target.value)}
        autoComplete="off"
      />
      <Button type="submit" variant="primary">
        Search
      </Button>
    </form>
  );
}
