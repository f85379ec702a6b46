import { metaOf, type ResponseMeta } from "./transport.js";

/** One page of a listing: its items and the cursor of the next page (null on the last). */
export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/**
 * Every item of a paginated listing, fetched page by page as it is read: `for await (const user
 * of valara.users.list())`. `pages()` gives the pages themselves (with `metaOf(page)`), and
 * `toArray()` reads everything.
 */
export class Paginator<T> implements AsyncIterable<T> {
  constructor(private readonly fetchPage: (cursor: string | undefined) => Promise<Page<T>>) {}

  /** The pages in order, each fetched when the previous one has been read. */
  async *pages(): AsyncGenerator<Page<T>, void, undefined> {
    let cursor: string | undefined;
    do {
      const page = await this.fetchPage(cursor);
      yield page;
      cursor = page.next_cursor ?? undefined;
    } while (cursor !== undefined);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.pages()) yield* page.data;
  }

  /** Every item of every page. */
  async toArray(): Promise<T[]> {
    const items: T[] = [];
    for await (const item of this) items.push(item);
    return items;
  }

  /** The meta of a page (its request id, headers). */
  static metaOf<T>(page: Page<T>): ResponseMeta {
    return metaOf(page);
  }
}
