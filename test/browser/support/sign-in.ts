import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import type { Person } from "./dashboard.js";

/** Opens /app/ and signs in as a person would: by label, typing, and the "Sign in" button. */
export async function signIn(page: Page, person: Pick<Person, "email" | "password">, path = "/app/"): Promise<void> {
  await page.goto(path);
  await page.getByLabel("Email").fill(person.email);
  await page.getByLabel("Password").fill(person.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}

/** The sign-in form is showing (and the shell is not). */
export async function assertOnSignIn(page: Page): Promise<void> {
  await page.getByRole("heading", { name: "Sign in", level: 1 }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Sign out" }).count(), 0);
}
