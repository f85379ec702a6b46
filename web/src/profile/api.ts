import { ValaraClient } from "valara-users/client";

// One client for the profile pages, on this page's origin: the browser sends Better Auth's
// session cookie itself, so the client holds no credential.
export const valara = new ValaraClient({ baseUrl: window.location.origin });
