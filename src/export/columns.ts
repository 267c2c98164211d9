// The export's columns. The request fields follow the licensing-request schema's own order, so the CSV
// header, the JSON keys and the docs/exports.md table follow the schema; a schema field with no column here is an
// error (caught by tests), so a new field cannot silently go missing from exports.
import fs from 'node:fs';
import { projectPath } from '../paths.js';

/**
 * How a stored value becomes an exported one. `code` is text the service writes or the schema restricts to
 * letters, digits and `-:._ `, which CSV writes as it is; anything a person typed is `text`, always quoted.
 */
export type ColumnKind = 'code' | 'text' | 'int' | 'bool' | 'list' | 'articles';

export interface ExportColumn {
  /** CSV header and JSON key path (dots nest in JSON: "requester.name" → {requester: {name}}). */
  name: string;
  /** The SQL expression over `requests r` (constants only: no user input ever reaches it). */
  sql: string;
  kind: ColumnKind;
  description: string;
}

type Def = Omit<ExportColumn, 'name'>;
const text = (sql: string, description: string): Def => ({ sql, kind: 'text', description });
const code = (sql: string, description: string): Def => ({ sql, kind: 'code', description });
const int = (sql: string, description: string): Def => ({ sql, kind: 'int', description });
const bool = (sql: string, description: string): Def => ({ sql, kind: 'bool', description });

/** Schema path → stored column. `null`: deliberately not exported (consent is always true on a stored request). */
export const SCHEMA_FIELDS: Record<string, Def | null> = {
  locale: code('r.locale', 'Language of the form the requester used (en, fr, ar)'),
  'requester.name': text('r.requester_name', 'Requester name (personal data)'),
  'requester.email': text('r.requester_email', 'Requester email (personal data)'),
  'requester.phone': text('r.requester_phone', 'Requester phone (personal data)'),
  'requester.jobTitle': text('r.requester_job_title', 'Requester job title (personal data)'),
  'organisation.name': text('r.org_name', 'Organisation'),
  'organisation.type': code('r.org_type', 'Organisation type'),
  'organisation.country': code('r.org_country', 'Organisation country (ISO 3166-1 alpha-2)'),
  'organisation.website': text('r.org_website', 'Organisation website'),
  'organisation.nonProfit': bool('r.org_non_profit', 'Non-profit organisation'),
  articles: { sql: '', kind: 'articles', description: 'Articles, in the order requested' },
  'usage.medium': code('r.medium', 'Medium'),
  'usage.territory': code('r.territory', 'single_country, region or worldwide'),
  'usage.countries': { sql: 'r.countries', kind: 'list', description: 'Countries (space-separated in CSV)' },
  'usage.language': code('r.language', 'Language of publication (ISO 639-1)'),
  'usage.translation': bool('r.translation', 'Will be translated'),
  'usage.audience': int('r.audience', 'Audience'),
  'usage.startDate': code('r.start_date', 'Start of use (YYYY-MM-DD)'),
  'usage.durationMonths': int('r.duration_months', 'Duration in months'),
  'usage.exclusive': bool('r.exclusive', 'Exclusive licence asked'),
  'usage.commercial': bool('r.commercial', 'Commercial use'),
  'usage.images': bool('r.images', 'Images included'),
  message: text('r.message', 'Message from the requester (personal data)'),
  consent: null,
};

/** Columns before the schema fields: what identifies a request and where it stands. */
const LEADING: Record<string, Def> = {
  reference: code('r.reference', 'Reference, e.g. REP-2026-000042'),
  status: code('r.status', 'new, in_review, quoted, accepted, licensed, declined, withdrawn or spam'),
  createdAt: code('r.created_at', 'Submitted at (UTC)'),
  updatedAt: code('r.updated_at', 'Last changed at (UTC)'),
};

/** Money and the desk's outcome, after the schema fields. `needs` names a column that must exist. */
const TRAILING: (Def & { name: string; needs?: string })[] = [
  {
    name: 'quote.totalMinor',
    ...int('r.quote_total_minor', 'Computed fee in minor units (empty when referred to the desk)'),
  },
  {
    name: 'fee.finalMinor',
    needs: 'final_fee_minor',
    ...int('r.final_fee_minor', 'Final fee set by the desk, minor units'),
  },
  { name: 'currency', ...code('r.currency', 'ISO 4217 currency of both fees') },
  { name: 'fee.reason', needs: 'fee_reason', ...text('r.fee_reason', 'Why the desk changed the fee') },
  { name: 'quote.referToDesk', ...bool('r.refer_to_desk', 'The quote was referred to the desk') },
  { name: 'quote.rateCardVersion', ...code('r.rate_card_version', 'Rate card version used for the computed fee') },
  { name: 'quote.sentAt', needs: 'quote_sent_at', ...code('r.quote_sent_at', 'Quote sent to the requester at (UTC)') },
  {
    name: 'quote.validUntil',
    needs: 'quote_valid_until',
    ...code('r.quote_valid_until', 'Quote valid until (YYYY-MM-DD)'),
  },
  { name: 'acceptedAt', needs: 'accepted_at', ...code('r.accepted_at', 'Quote accepted online at (UTC)') },
  {
    name: 'acceptance.signer',
    needs: 'accepted_name',
    ...text('r.accepted_name', 'Name typed to sign the acceptance (personal data)'),
  },
  {
    name: 'acceptance.conditionsVersion',
    needs: 'accepted_conditions_version',
    ...code('r.accepted_conditions_version', 'Version of the licence conditions accepted'),
  },
  {
    name: 'acceptance.amountMinor',
    needs: 'accepted_amount_minor',
    ...int('r.accepted_amount_minor', 'Fee accepted, minor units'),
  },
  { name: 'licence.number', needs: 'licence_number', ...code('r.licence_number', 'Licence number') },
  { name: 'licence.start', needs: 'licence_start', ...code('r.licence_start', 'Licence starts (YYYY-MM-DD)') },
  { name: 'licence.end', needs: 'licence_end', ...code('r.licence_end', 'Licence ends (YYYY-MM-DD)') },
  { name: 'licence.creditLine', needs: 'credit_line', ...text('r.credit_line', 'Credit line required') },
  { name: 'licence.linkBack', needs: 'link_back', ...text('r.link_back', 'Link back required') },
  { name: 'licensedAt', needs: 'licensed_at', ...code('r.licensed_at', 'Licensed at (UTC)') },
  {
    name: 'licence.conditionsVersion',
    needs: 'licence_conditions_version',
    ...code('r.licence_conditions_version', 'Version of the licence conditions the licence was issued under'),
  },
  {
    name: 'licence.revokedAt',
    needs: 'licence_revoked_at',
    ...code('r.licence_revoked_at', 'Licence revoked at (UTC), empty while it stands'),
  },
  {
    name: 'licence.automatic',
    needs: 'licensed_automatically',
    ...bool('r.licensed_automatically', 'Licensed at once under the rate card (autoLicence), without desk review'),
  },
  {
    name: 'licence.version',
    needs: 'licence_version',
    ...int('r.licence_version', 'Version of the licence in force: 2 and up after corrections'),
  },
  {
    name: 'licence.versionIssuedAt',
    needs: 'licence_issued_at',
    ...code('r.licence_issued_at', 'The version in force issued at (UTC)'),
  },
  {
    name: 'licence.renewalRemindedAt',
    needs: 'renewal_reminded_at',
    ...code('r.renewal_reminded_at', 'Renewal reminder sent at (UTC)'),
  },
  {
    name: 'renews',
    needs: 'renews_request_id',
    ...code(
      '(SELECT renewed.reference FROM requests renewed WHERE renewed.id = r.renews_request_id)',
      'Reference of the licensed request this one renews',
    ),
  },
  { name: 'declinedAt', needs: 'declined_at', ...code('r.declined_at', 'Declined at (UTC)') },
  { name: 'declineReason', needs: 'decline_reason', ...text('r.decline_reason', 'Why it was declined') },
  {
    name: 'closedAt',
    needs: 'closed_at',
    ...code('r.closed_at', 'Closed (licensed, declined, withdrawn, spam) at (UTC)'),
  },
  { name: 'closedBy', needs: 'closed_by', ...code('r.closed_by', 'Who closed it: desk or requester') },
  { name: 'anonymisedAt', needs: 'anonymised_at', ...code('r.anonymised_at', 'Personal data erased at (UTC)') },
];

// CSV: the cell kept on the request row (migrations/0019). JSON: an ordered subquery, since the
// (request_id, position) index yields articles in order and json_group_array(… ORDER BY …) would sort each.
const ARTICLES_TEXT = 'r.articles_text';
const ARTICLES_JSON = `(SELECT json_group_array(json(j)) FROM (SELECT json_object('url', a.url, 'title', a.title,
    'portion', a.portion, 'extractWords', a.extract_words) AS j
  FROM request_articles a WHERE a.request_id = r.id ORDER BY a.position))`;

/** The leaf property paths of the licensing-request schema, in the schema's order. */
export function schemaFieldOrder(): string[] {
  const read = (name: string) => JSON.parse(fs.readFileSync(projectPath('schemas', name), 'utf8'));
  const defs = read('defs.schema.json').$defs as Record<string, { properties?: Record<string, unknown> }>;
  const root = read('licensing-request.schema.json') as { properties: Record<string, Record<string, unknown>> };
  const refName = (node: Record<string, unknown>): string | undefined => {
    const ref = (node.$ref as string | undefined) ?? (node.allOf as { $ref?: string }[] | undefined)?.[0]?.$ref;
    return ref?.split('/').pop();
  };
  const out: string[] = [];
  for (const [key, node] of Object.entries(root.properties)) {
    const def = refName(node);
    const properties = def && def !== 'articles' ? defs[def]?.properties : undefined;
    if (properties) out.push(...Object.keys(properties).map((property) => `${key}.${property}`));
    else out.push(key);
  }
  return out;
}

/** The columns for a `requests` table with `available` columns (desk columns come with their migration). */
export function exportColumns(available: ReadonlySet<string>, format: 'text' | 'json' = 'text'): ExportColumn[] {
  const fromSchema = schemaFieldOrder().flatMap((path): ExportColumn[] => {
    if (!(path in SCHEMA_FIELDS)) {
      throw new Error(`Schema field "${path}" has no export column (src/export/columns.ts)`);
    }
    const def = SCHEMA_FIELDS[path];
    if (!def) return [];
    const sql = def.kind === 'articles' ? (format === 'json' ? ARTICLES_JSON : ARTICLES_TEXT) : def.sql;
    return [{ name: path, ...def, sql }];
  });
  return [
    ...Object.entries(LEADING).map(([name, def]) => ({ name, ...def })),
    ...fromSchema,
    ...TRAILING.filter((column) => !column.needs || available.has(column.needs)).map(
      ({ needs: _needs, ...column }) => column,
    ),
  ];
}
