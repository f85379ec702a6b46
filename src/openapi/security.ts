// The ways a request may authenticate, as the OpenAPI document names them. One place, so that a
// route's `security` and the document's `securitySchemes` cannot disagree.

export const SECURITY_SCHEMES = {
  bearer: {
    type: "http",
    scheme: "bearer",
    description: "An API key (vk_…) or a Better Auth session token (the set-auth-token header of sign-in)",
  },
  apiKey: { type: "apiKey", in: "header", name: "X-API-Key", description: "An API key (vk_…)" },
  sessionCookie: {
    type: "apiKey",
    in: "cookie",
    name: "better-auth.session_token",
    description:
      "Better Auth's session cookie, set by sign-in (`__Secure-better-auth.session_token` in production). " +
      "Writes authenticated by it must come from the server's own origin.",
  },
} as const;

type Requirement = Array<Partial<Record<keyof typeof SECURITY_SCHEMES, string[]>>>;

/** /api/v1 routes: an API key or a session token, in either header, or the session cookie. */
export const API_SECURITY: Requirement = [{ bearer: [] }, { apiKey: [] }, { sessionCookie: [] }];

/** Better Auth's session routes: a session token, or the session cookie. */
export const SESSION_SECURITY: Requirement = [{ bearer: [] }, { sessionCookie: [] }];
