import type { components, operations } from "./openapi-types.js";
import { Paginator } from "./pagination.js";
import type { CallOptions, Transport, WriteOptions } from "./transport.js";

type Schemas = components["schemas"];
/** The API's user object. */
export type User = Schemas["User"];
/** A PATCH body: profile fields only, snake_case; a misspelt field does not compile. */
export type ProfilePatch = Schemas["UserProfilePatch"];
/** A PUT body: the profile fields and the admin-only ones (email, role, is_active, …). */
export type AdminPatch = Schemas["UserAdminPatch"];
/** One change in a user's history. */
export type HistoryEntry = Schemas["HistoryEntry"];
/** Filters of the admin user list; `limit` is the page size. */
export type UserListQuery = Omit<NonNullable<operations["listUsers"]["parameters"]["query"]>, "cursor">;
export type HistoryQuery = Omit<NonNullable<operations["getUserHistory"]["parameters"]["query"]>, "cursor">;

const userPath = (id: string) => `/api/v1/users/${encodeURIComponent(id)}`;

/** /api/v1/users: read, change and list users, and their history. */
export class UsersApi {
  constructor(private readonly transport: Transport) {}

  /** The caller's own user. */
  async me(options?: CallOptions): Promise<User> {
    return (await this.transport.send<User>({ method: "GET", path: "/api/v1/users/me", options })).data;
  }

  /** One user (yourself, or anyone for an admin; 404 `user_not_found` otherwise). */
  async get(id: string, options?: CallOptions): Promise<User> {
    return (await this.transport.send<User>({ method: "GET", path: userPath(id), options })).data;
  }

  /** PATCH: only the fields given change. Retried safely with one idempotency key. */
  async update(id: string, patch: ProfilePatch, options?: WriteOptions): Promise<User> {
    return (await this.transport.send<User>({ method: "PATCH", path: userPath(id), body: patch, options })).data;
  }

  /** PUT (admins): PATCH's merge plus the admin-only fields. */
  async replace(id: string, body: AdminPatch, options?: WriteOptions): Promise<User> {
    return (await this.transport.send<User>({ method: "PUT", path: userPath(id), body, options })).data;
  }

  /** Every user (admins), oldest first, page by page as you iterate. */
  list(query: UserListQuery = {}, options?: CallOptions): Paginator<User> {
    return new Paginator(
      async (cursor) =>
        (
          await this.transport.send<Schemas["UserPage"]>({
            method: "GET",
            path: "/api/v1/users",
            query: { ...query, cursor },
            options,
          })
        ).data,
    );
  }

  /** A user's changes, newest first, page by page as you iterate. */
  history(id: string, query: HistoryQuery = {}, options?: CallOptions): Paginator<HistoryEntry> {
    return new Paginator(
      async (cursor) =>
        (
          await this.transport.send<Schemas["HistoryPage"]>({
            method: "GET",
            path: `${userPath(id)}/history`,
            query: { ...query, cursor },
            options,
          })
        ).data,
    );
  }
}
