import { useCallback, useEffect, useRef, useState } from "react";
import type { Paginator } from "valara-users/client";
import { isForbidden, useFailure } from "./valara";

export interface Paged<T> {
  items: T[];
  /** The first page is on its way (after a change of filters too). */
  loading: boolean;
  loadingMore: boolean;
  /** The last failure in words (null on a 401: the shell has taken over). */
  failure: string | null;
  /** The API refused the caller (403): the page is not theirs to see. */
  forbidden: boolean;
  /** More pages after the ones shown. */
  hasMore: boolean;
  loadMore(): void;
  /** Starts again from the first page (after a change, say). */
  reload(): void;
}

/**
 * Reads a cursor-paged listing one page at a time through the client's `pages()`, appending each.
 * A new `key` (the filters, which the server binds the cursor to) starts again from the first
 * page; answers of an older key are dropped, so a slow first page cannot overwrite a newer one.
 */
export function usePaged<T>(open: () => Paginator<T>, key: string, doing: string): Paged<T> {
  const fail = useFailure();
  const [items, setItems] = useState<T[]>([]);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [forbidden, setForbidden] = useState(false);
  const [hasMore, setHasMore] = useState(false);
  const [generation, setGeneration] = useState(0);
  const pages = useRef<AsyncGenerator<{ data: T[]; next_cursor: string | null }> | null>(null);
  const current = useRef(0);
  const openRef = useRef(open);
  openRef.current = open;

  const step = useCallback(
    async (run: number, first: boolean) => {
      const source = pages.current;
      if (!source) return;
      try {
        const next = await source.next();
        if (run !== current.current) return;
        if (next.done) {
          setHasMore(false);
        } else {
          setItems((before) => (first ? next.value.data : [...before, ...next.value.data]));
          setHasMore(next.value.next_cursor !== null);
        }
        setFailure(null);
      } catch (error) {
        if (run === current.current) {
          setFailure(fail(error, doing));
          setForbidden(isForbidden(error));
        }
      } finally {
        if (run === current.current) {
          setLoading(false);
          setLoadingMore(false);
        }
      }
    },
    [fail, doing],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: key and generation are what restart the listing
  useEffect(() => {
    const run = ++current.current;
    pages.current = openRef.current().pages();
    setLoading(true);
    setFailure(null);
    setForbidden(false);
    setHasMore(false);
    void step(run, true);
    return () => {
      // StrictMode and filter changes: a newer run takes over; this one's answers are ignored.
      current.current++;
    };
  }, [key, generation, step]);

  const loadMore = useCallback(() => {
    setLoadingMore(true);
    void step(current.current, false);
  }, [step]);

  return {
    items,
    loading,
    loadingMore,
    failure,
    forbidden,
    hasMore,
    loadMore,
    reload: () => setGeneration((n) => n + 1),
  };
}
