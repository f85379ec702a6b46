// Generated from GET /openapi.json by npm run generate:client. Do not edit: change the route
// schemas (or the field catalog, src/users/user-fields.ts), then regenerate.

/** The seed's groups of profile fields, in order. */
export const PROFILE_FIELD_GROUPS = [
  {
    "id": "personal",
    "label": "Personal info"
  },
  {
    "id": "display_contact",
    "label": "Display contact"
  },
  {
    "id": "brokerage_license",
    "label": "Brokerage and license"
  },
  {
    "id": "bio_social",
    "label": "Biography and social profiles"
  },
  {
    "id": "location",
    "label": "Location"
  }
] as const;

/** Every profile field a PATCH may send, in the document's order, with its label and rules. */
export const PROFILE_FIELDS = [
  {
    "name": "name",
    "label": "Name",
    "group": "personal",
    "kind": "text",
    "maxLength": 120,
    "nullable": false,
    "multiline": false,
    "description": "Full name"
  },
  {
    "name": "first_name",
    "label": "First name",
    "group": "personal",
    "kind": "text",
    "maxLength": 60,
    "nullable": true,
    "multiline": false,
    "description": "Given name"
  },
  {
    "name": "last_name",
    "label": "Last name",
    "group": "personal",
    "kind": "text",
    "maxLength": 60,
    "nullable": true,
    "multiline": false,
    "description": "Family name"
  },
  {
    "name": "display_name",
    "label": "Display name",
    "group": "display_contact",
    "kind": "text",
    "maxLength": 120,
    "nullable": true,
    "multiline": false,
    "description": "Name shown on the public profile"
  },
  {
    "name": "display_email",
    "label": "Display email",
    "group": "display_contact",
    "kind": "email",
    "maxLength": 254,
    "nullable": true,
    "multiline": false,
    "description": "Contact email shown on the public profile: an email address"
  },
  {
    "name": "title",
    "label": "Title",
    "group": "display_contact",
    "kind": "text",
    "maxLength": 120,
    "nullable": true,
    "multiline": false,
    "description": "Job title, e.g. Senior Real Estate Agent"
  },
  {
    "name": "tagline",
    "label": "Tagline",
    "group": "display_contact",
    "kind": "text",
    "maxLength": 200,
    "nullable": true,
    "multiline": false,
    "description": "One-line pitch"
  },
  {
    "name": "phone",
    "label": "Phone",
    "group": "personal",
    "kind": "phone",
    "maxLength": 40,
    "nullable": true,
    "multiline": false,
    "description": "Main phone number: 7–15 digits, optional leading +, spaces, - . ( ), optional extension (x, ext, #); kept as sent"
  },
  {
    "name": "cell_phone",
    "label": "Cell phone",
    "group": "display_contact",
    "kind": "phone",
    "maxLength": 40,
    "nullable": true,
    "multiline": false,
    "description": "Mobile phone number: 7–15 digits, optional leading +, spaces, - . ( ), optional extension (x, ext, #); kept as sent"
  },
  {
    "name": "office_phone",
    "label": "Office phone",
    "group": "display_contact",
    "kind": "phone",
    "maxLength": 40,
    "nullable": true,
    "multiline": false,
    "description": "Office phone number: 7–15 digits, optional leading +, spaces, - . ( ), optional extension (x, ext, #); kept as sent"
  },
  {
    "name": "avatar_url",
    "label": "Avatar URL",
    "group": "personal",
    "kind": "url",
    "maxLength": 2048,
    "nullable": true,
    "multiline": false,
    "description": "Avatar image: an absolute http(s) URL"
  },
  {
    "name": "brokerage_name",
    "label": "Brokerage name",
    "group": "brokerage_license",
    "kind": "text",
    "maxLength": 160,
    "nullable": true,
    "multiline": false,
    "description": "Brokerage"
  },
  {
    "name": "office_name",
    "label": "Office name",
    "group": "brokerage_license",
    "kind": "text",
    "maxLength": 160,
    "nullable": true,
    "multiline": false,
    "description": "Office"
  },
  {
    "name": "license_number",
    "label": "License number",
    "group": "brokerage_license",
    "kind": "text",
    "maxLength": 64,
    "nullable": true,
    "multiline": false,
    "description": "Real-estate license number"
  },
  {
    "name": "license_state",
    "label": "License state",
    "group": "brokerage_license",
    "kind": "us_state",
    "maxLength": null,
    "nullable": true,
    "multiline": false,
    "description": "Licensing state: two-letter code of a US state or territory"
  },
  {
    "name": "license_expiration",
    "label": "License expiration",
    "group": "brokerage_license",
    "kind": "date",
    "maxLength": null,
    "nullable": true,
    "multiline": false,
    "description": "License expiry date: a calendar date YYYY-MM-DD"
  },
  {
    "name": "bio",
    "label": "Bio",
    "group": "bio_social",
    "kind": "text",
    "maxLength": 5000,
    "nullable": true,
    "multiline": true,
    "description": "Biography; newlines allowed"
  },
  {
    "name": "website_url",
    "label": "Website URL",
    "group": "bio_social",
    "kind": "url",
    "maxLength": 2048,
    "nullable": true,
    "multiline": false,
    "description": "Personal website: an absolute http(s) URL"
  },
  {
    "name": "facebook_url",
    "label": "Facebook URL",
    "group": "bio_social",
    "kind": "url",
    "maxLength": 2048,
    "nullable": true,
    "multiline": false,
    "description": "Facebook profile: an absolute http(s) URL"
  },
  {
    "name": "instagram_url",
    "label": "Instagram URL",
    "group": "bio_social",
    "kind": "url",
    "maxLength": 2048,
    "nullable": true,
    "multiline": false,
    "description": "Instagram profile: an absolute http(s) URL"
  },
  {
    "name": "linkedin_url",
    "label": "LinkedIn URL",
    "group": "bio_social",
    "kind": "url",
    "maxLength": 2048,
    "nullable": true,
    "multiline": false,
    "description": "LinkedIn profile: an absolute http(s) URL"
  },
  {
    "name": "twitter_url",
    "label": "Twitter URL",
    "group": "bio_social",
    "kind": "url",
    "maxLength": 2048,
    "nullable": true,
    "multiline": false,
    "description": "Twitter / X profile: an absolute http(s) URL"
  },
  {
    "name": "youtube_url",
    "label": "YouTube URL",
    "group": "bio_social",
    "kind": "url",
    "maxLength": 2048,
    "nullable": true,
    "multiline": false,
    "description": "YouTube channel: an absolute http(s) URL"
  },
  {
    "name": "tiktok_url",
    "label": "TikTok URL",
    "group": "bio_social",
    "kind": "url",
    "maxLength": 2048,
    "nullable": true,
    "multiline": false,
    "description": "TikTok profile: an absolute http(s) URL"
  },
  {
    "name": "zillow_url",
    "label": "Zillow URL",
    "group": "bio_social",
    "kind": "url",
    "maxLength": 2048,
    "nullable": true,
    "multiline": false,
    "description": "Zillow profile: an absolute http(s) URL"
  },
  {
    "name": "city",
    "label": "City",
    "group": "location",
    "kind": "text",
    "maxLength": 100,
    "nullable": true,
    "multiline": false,
    "description": "City"
  },
  {
    "name": "state",
    "label": "State",
    "group": "location",
    "kind": "us_state",
    "maxLength": null,
    "nullable": true,
    "multiline": false,
    "description": "State: two-letter code of a US state or territory"
  }
] as const;

export type ProfileFieldSpec = (typeof PROFILE_FIELDS)[number];
export type ProfileFieldGroupId = (typeof PROFILE_FIELD_GROUPS)[number]["id"];
