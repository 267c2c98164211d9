// Links are stored in their ASCII form (src/validation/normalise.ts): an article address in French or Arabic is
// then a run of %XX. People read it with its letters, as a browser's address bar shows it.

/** Percent-encoded letters beyond ASCII shown as letters; whatever would decode to a space, a control or an
 * invisible character stays encoded (it could disguise the address), and so do ASCII delimiters and the host. */
export function readableLink(url: string): string {
  if (!url.includes('%')) return url;
  return url.replace(/(?:%[89A-F][0-9A-F])+/gi, (run) => {
    try {
      const text = decodeURIComponent(run);
      return /^[\p{L}\p{M}\p{N}\p{P}\p{S}]+$/u.test(text) ? text : run;
    } catch {
      return run; // not UTF-8
    }
  });
}
