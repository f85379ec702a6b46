import { Link } from "../router";
import { HOME } from "../routes";
import { Page, Section } from "../ui";

/** An /app/… path that names no page (or an admin page, for someone who is not an admin). */
export function NotFoundPage() {
  return (
    <Page title="Page not found">
      <Section title="Nothing here">
        <p>
          There is no page at this address. <Link to={HOME}>Go to my profile</Link>.
        </p>
      </Section>
    </Page>
  );
}
