// Licence numbers: one licence per request, so its number follows the request's.

/** REP-2026-000123 → LIC-2026-000123. */
export const licenceNumberFor = (reference: string): string => reference.replace(/^REP-/, 'LIC-');

/** The version of the licence conditions at /licensing/conditions: an acceptance records the one it accepted. */
export const CONDITIONS_VERSION = '2026-12';
