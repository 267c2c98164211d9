// A validation problem before it is put into words: where (JSON Pointer), what (a message key in the i18n
// catalogs) and the values the message needs.
export interface ValidationIssue {
  path: string;
  key: string;
  params: Record<string, string | number>;
}
