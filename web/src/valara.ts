import { ValaraClient } from "valara-users/client";

/**
 * The page's one typed client, on this page's origin. It holds no credential: the browser sends
 * Better Auth's HttpOnly session cookie by itself (same origin), and sets Origin on writes.
 */
export const valara = new ValaraClient({ baseUrl: window.location.origin });
