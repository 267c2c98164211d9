// Links are stored as browsers write them (src/validation/normalise.ts): an article address in French or Arabic is
// then a run of %XX. People read it with its letters, as a browser's address bar shows it.

const NON_ASCII_RUN = /(?:%[89A-F][0-9A-F])+/gi;
/** What may be shown decoded: visible letters, numbers, punctuation and symbols, marks only after one of them. */
const VISIBLE = /^[\p{L}\p{N}\p{P}\p{S}][\p{L}\p{M}\p{N}\p{P}\p{S}]*$/u;
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\u2800]/u;

const decoded = (run: string) => {
  try {
    const text = decodeURIComponent(run);
    return VISIBLE.test(text) && !INVISIBLE.test(text) ? text : run;
  } catch {
    return run; // not UTF-8
  }
};

/** The path, query and fragment's letters shown as letters. The scheme and host are never decoded (a host is shown
 * in punycode, as stored), nor is a link not in the stored form, nor anything that could disguise the address. */
export function readableLink(url: string): string {
  if (!url.includes('%')) return url;
  const parsed = URL.parse(url);
  if (!parsed || parsed.href !== url || parsed.username || parsed.password || !url.startsWith(parsed.origin)) {
    return url;
  }
  return parsed.origin + url.slice(parsed.origin.length).replace(NON_ASCII_RUN, decoded);
}
