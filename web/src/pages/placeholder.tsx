import { Page, Section } from "../ui";

/** Stands in for a page that is not built yet. */
export function PlaceholderPage({ title }: { title: string }) {
  return (
    <Page title={title}>
      <Section title="Coming soon">
        <p>
          This page is not built yet. Until then, the API does everything it will: see the reference at{" "}
          <a href="/docs">/docs</a>.
        </p>
      </Section>
    </Page>
  );
}
