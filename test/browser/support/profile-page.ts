import assert from "node:assert/strict";
import type { Page, Request } from "playwright-core";

/** A write the page sent: PATCH or PUT, with the headers and body that went out. */
export interface SentWrite {
  method: string;
  path: string;
  ifMatch: string | undefined;
  idempotencyKey: string | undefined;
  body: Record<string, unknown>;
}

/** Records every PATCH and PUT of /api/v1/users/… the page sends (each attempt, retries too). */
export function recordWrites(page: Page): SentWrite[] {
  const writes: SentWrite[] = [];
  page.on("request", (request: Request) => {
    const method = request.method();
    const url = new URL(request.url());
    if ((method !== "PATCH" && method !== "PUT") || !url.pathname.startsWith("/api/v1/users/")) return;
    const headers = request.headers();
    writes.push({
      method,
      path: url.pathname,
      ifMatch: headers["if-match"],
      idempotencyKey: headers["x-idempotency-key"],
      body: JSON.parse(request.postData() ?? "{}"),
    });
  });
  return writes;
}

/** GET an API path with the page's own session cookie, as the page would; returns status and body. */
export async function apiGet(page: Page, path: string): Promise<{ status: number; body: any; etag?: string }> {
  const response = await page.request.get(path);
  return { status: response.status(), body: await response.json(), etag: response.headers().etag };
}

/** The user's history, newest first (every entry's changed fields: {field: {from, to}}). */
export async function historyOf(page: Page, userId: string): Promise<{ changes: Record<string, unknown> }[]> {
  const { status, body } = await apiGet(page, `/api/v1/users/${userId}/history?limit=200`);
  assert.equal(status, 200);
  return body.data;
}

/** The profile form's input for a label (exact: "Name" is not "First name"). */
export const input = (page: Page, label: string) =>
  page.getByRole("form", { name: "Profile" }).getByLabel(label, { exact: true });

/** Opens My profile and waits until its form can be edited. */
export async function openMyProfile(page: Page): Promise<void> {
  await page.goto("/app/profile");
  await waitEditable(page);
}

export async function waitEditable(page: Page): Promise<void> {
  await input(page, "Name").waitFor();
  await page.waitForFunction(() => {
    const name = document.querySelector<HTMLInputElement>("form[aria-label='Profile'] input[name='name']");
    return name !== null && !name.disabled;
  });
}

/** Presses Save and waits for the "Saved." status. */
export async function saveProfile(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
}

/** The message an input is described by (its error, and its hint if any). */
export const descriptionOf = (page: Page, label: string) =>
  input(page, label).evaluate((element) =>
    (element.getAttribute("aria-describedby") ?? "")
      .split(" ")
      .map((id) => document.getElementById(id)?.textContent ?? "")
      .join(" "),
  );

/** The median and range of a list of numbers. */
export function summary(values: number[]): { median: number; min: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number };
}
