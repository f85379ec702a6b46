// Dates as a person reads them, in their own locale and time zone; the exact instant stays in
// <time datetime> for machines and for tests.
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** A moment in time, or a dash-free word when there is none. */
export function When({ at, none = "Never" }: { at: string | null | undefined; none?: string }) {
  if (!at) return <span>{none}</span>;
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return <span>{at}</span>;
  return <time dateTime={date.toISOString()}>{dateTime.format(date)}</time>;
}
