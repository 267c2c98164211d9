// Reading posted form fields and query values, which arrive as a string, an array (a name sent twice) or
// not at all.

/** Text only when a string was sent (anything else reads as empty), cut to the length the field can need. */
export const textValue = (value: unknown, max: number): string =>
  typeof value === 'string' ? value.slice(0, max) : '';

/** `body[key]` as text, as textValue reads it. */
export const postedText = (body: unknown, key: string, max: number): string =>
  textValue((body as Record<string, unknown> | undefined)?.[key], max);

/** A form field's value: the first when a name was posted twice, and only ever a string. */
export const one = (value: unknown): string | undefined =>
  Array.isArray(value) ? (value.length ? String(value[0]) : undefined) : typeof value === 'string' ? value : undefined;
