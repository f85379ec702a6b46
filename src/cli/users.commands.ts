import type { Services } from "../services.js";
import { toUserObject, type User } from "../users/user-object.js";
import { findUserById } from "../users/users.repository.js";
import { CliError } from "./cli-error.js";

export interface CreateUserInput {
  email: string;
  name: string;
  role?: string;
  password?: string;
}

/** Creates a user through Better Auth (with a password account when one is given). */
export async function createUser(services: Services, input: CreateUserInput): Promise<User> {
  const role = input.role ?? "user";
  if (!services.config.roles.includes(role)) {
    throw new CliError(`unknown role "${role}": expected one of ${services.config.roles.join(", ")}`);
  }
  const result = await services.auth.api
    .createUser({ body: { email: input.email, name: input.name, role: role as "user", password: input.password } })
    .catch((error: { body?: { message?: string }; message?: string }) => {
      throw new CliError(error.body?.message ?? error.message ?? "could not create the user");
    });
  const row = await findUserById(services.database.db, result.user.id);
  if (!row) throw new CliError("the user was created but cannot be read back");
  return toUserObject(row);
}
