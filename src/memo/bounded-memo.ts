// A memo for values costly to work out and asked for again and again, bounded so that no stream of distinct
// keys can make it grow: once full it is emptied and fills again. See docs/internals.md#memos.

/** `compute()` for `key`, kept in `cache` while it holds fewer than `max` entries. */
export function remember<K, V>(cache: Map<K, V>, key: K, max: number, compute: () => V): V {
  let value = cache.get(key);
  if (value === undefined) {
    value = compute();
    if (cache.size >= max) cache.clear();
    cache.set(key, value);
  }
  return value;
}
