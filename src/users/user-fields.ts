/**
 * The user object's field catalog, declared once. It drives body casing, validation, the
 * Better Auth schema (columns), the response object and the OpenAPI schema: adding a profile
 * field is one line here.
 */

export type FieldKind = "text" | "email" | "url" | "phone" | "us_state" | "date";

/** The seed's groups of profile fields, in its order; the dashboard shows one section each. */
export const FIELD_GROUPS = [
  { id: "personal", label: "Personal info" },
  { id: "display_contact", label: "Display contact" },
  { id: "brokerage_license", label: "Brokerage and license" },
  { id: "bio_social", label: "Biography and social profiles" },
  { id: "location", label: "Location" },
] as const;
export type FieldGroup = (typeof FIELD_GROUPS)[number]["id"];

export interface ProfileField {
  /** snake_case name in the API. */
  readonly name: string;
  /** camelCase alias accepted in request bodies. */
  readonly camel: string;
  /** Column in Better Auth's user table. */
  readonly column: string;
  readonly kind: FieldKind;
  readonly maxLength: number;
  /** False only for `name`: null and "" are refused instead of clearing it. */
  readonly nullable: boolean;
  /** Newlines allowed; other control characters (tabs included) never are. */
  readonly multiline: boolean;
  /** True when Better Auth owns the column (name, image) rather than our additional fields. */
  readonly core: boolean;
  /** The seed's group it belongs to. */
  readonly group: FieldGroup;
  /** The field's name in words ("Cell phone", "Website URL"): a form's label. */
  readonly label: string;
  readonly description: string;
}

/** snake_case in words, first letter capital, URL in capitals: cell_phone → "Cell phone". */
const labelOf = (snake: string) =>
  snake
    .split("_")
    .map((word, index) => (word === "url" ? "URL" : index === 0 ? word[0]?.toUpperCase() + word.slice(1) : word))
    .join(" ");

const camelCase = (snake: string) => snake.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

interface FieldOptions<C extends string> {
  group: FieldGroup;
  /** When the words of the name are not its label (a brand's own spelling). */
  label?: string;
  column?: C;
  nullable?: boolean;
  multiline?: boolean;
  core?: boolean;
}

function field<N extends string, C extends string = N>(
  name: N,
  kind: FieldKind,
  maxLength: number,
  description: string,
  options: FieldOptions<C>,
) {
  return {
    name,
    camel: camelCase(name),
    column: (options.column ?? name) as string extends C ? N : C,
    kind,
    maxLength,
    nullable: options.nullable ?? true,
    multiline: options.multiline ?? false,
    core: (options.core ?? false) as boolean,
    group: options.group,
    label: options.label ?? labelOf(name),
    description,
  } as const satisfies ProfileField;
}

const URL_MAX = 2048;
const PHONE_MAX = 40;

/** Fields the owner may change with PATCH (and admins for anyone). */
export const PROFILE_FIELDS = [
  field("name", "text", 120, "Full name", { nullable: false, core: true, group: "personal" }),
  field("first_name", "text", 60, "Given name", { group: "personal" }),
  field("last_name", "text", 60, "Family name", { group: "personal" }),
  field("display_name", "text", 120, "Name shown on the public profile", { group: "display_contact" }),
  field("display_email", "email", 254, "Contact email shown on the public profile", { group: "display_contact" }),
  field("title", "text", 120, "Job title, e.g. Senior Real Estate Agent", { group: "display_contact" }),
  field("tagline", "text", 200, "One-line pitch", { group: "display_contact" }),
  field("phone", "phone", PHONE_MAX, "Main phone number", { group: "personal" }),
  field("cell_phone", "phone", PHONE_MAX, "Mobile phone number", { group: "display_contact" }),
  field("office_phone", "phone", PHONE_MAX, "Office phone number", { group: "display_contact" }),
  field("avatar_url", "url", URL_MAX, "Avatar image", { column: "image", core: true, group: "personal" }),
  field("brokerage_name", "text", 160, "Brokerage", { group: "brokerage_license" }),
  field("office_name", "text", 160, "Office", { group: "brokerage_license" }),
  field("license_number", "text", 64, "Real-estate license number", { group: "brokerage_license" }),
  field("license_state", "us_state", 2, "Licensing state", { group: "brokerage_license" }),
  field("license_expiration", "date", 10, "License expiry date", { group: "brokerage_license" }),
  field("bio", "text", 5000, "Biography; newlines allowed", { multiline: true, group: "bio_social" }),
  field("website_url", "url", URL_MAX, "Personal website", { group: "bio_social" }),
  field("facebook_url", "url", URL_MAX, "Facebook profile", { group: "bio_social" }),
  field("instagram_url", "url", URL_MAX, "Instagram profile", { group: "bio_social" }),
  field("linkedin_url", "url", URL_MAX, "LinkedIn profile", { group: "bio_social", label: "LinkedIn URL" }),
  field("twitter_url", "url", URL_MAX, "Twitter / X profile", { group: "bio_social" }),
  field("youtube_url", "url", URL_MAX, "YouTube channel", { group: "bio_social", label: "YouTube URL" }),
  field("tiktok_url", "url", URL_MAX, "TikTok profile", { group: "bio_social", label: "TikTok URL" }),
  field("zillow_url", "url", URL_MAX, "Zillow profile", { group: "bio_social" }),
  field("city", "text", 100, "City", { group: "location" }),
  field("state", "us_state", 2, "State", { group: "location" }),
] as const;

/** One entry of the catalog, with its literal name and column. */
export type CatalogField = (typeof PROFILE_FIELDS)[number];
export type ProfileFieldName = CatalogField["name"];
export type ProfileColumn = (typeof PROFILE_FIELDS)[number]["column"];
/** Profile columns we add to Better Auth's user table (its own are name and image). */
export type AdditionalProfileColumn = Exclude<ProfileColumn, "name" | "image">;

/** Fields only an admin may change, and only through PUT. */
export const ADMIN_FIELDS = [
  { name: "email", camel: "email", column: "email", kind: "email", description: "Sign-in email; unique" },
  { name: "role", camel: "role", column: "role", kind: "role", description: "One of the configured roles" },
  {
    name: "is_active",
    camel: "isActive",
    column: "is_active",
    kind: "boolean",
    description: "False locks the user out",
  },
  {
    name: "email_verified",
    camel: "emailVerified",
    column: "emailVerified",
    kind: "boolean",
    description: "Email ownership proven",
  },
  {
    name: "account_status",
    camel: "accountStatus",
    column: "account_status",
    kind: "account_status",
    description: "suspended locks the user out",
  },
] as const;

export type AdminField = (typeof ADMIN_FIELDS)[number];

export const ACCOUNT_STATUSES = ["active", "suspended", "pending"] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** Fields nobody may write. */
export const READ_ONLY_FIELDS = [
  { name: "id", camel: "id" },
  { name: "created_at", camel: "createdAt" },
  { name: "updated_at", camel: "updatedAt" },
] as const;

export const PROFILE_FIELD_BY_KEY: ReadonlyMap<string, CatalogField> = new Map(
  PROFILE_FIELDS.flatMap((spec) => [
    [spec.name, spec],
    [spec.camel, spec],
  ]),
);

const byBothCasings = <T extends { name: string; camel: string }>(list: readonly T[]) =>
  new Map(list.flatMap((spec) => [[spec.name, spec] as const, [spec.camel, spec] as const]));

export const ADMIN_FIELD_BY_KEY = byBothCasings(ADMIN_FIELDS);
export const READ_ONLY_FIELD_BY_KEY = byBothCasings(READ_ONLY_FIELDS);

/** Every key a body may name, for did-you-mean suggestions. */
export const KNOWN_FIELD_KEYS: readonly string[] = [...PROFILE_FIELD_BY_KEY.keys()];
