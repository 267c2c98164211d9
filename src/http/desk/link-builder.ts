// /staff/link-builder: an article's URL, title and language in; the footer link to the form, and the HTML to paste
// into the article, out. The same rules as the form's prefill decide what the link carries. A GET: it changes nothing.
import type { Request, Response } from 'express';
import type { Config } from '../../config.js';
import { i18nFor, isLocale } from '../../i18n/index.js';
import type { Locale } from '../../domain/request.js';
import { prefillFromQuery } from '../public/form-view.js';
import { textValue } from '../core/posted.js';
import { renderDesk } from './render.js';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function linkBuilderPage(config: Pick<Readonly<Config>, 'publicBaseUrl'>) {
  const form = `${config.publicBaseUrl}/licensing`;
  return (req: Request, res: Response) => {
    const url = textValue(req.query.url, 2100);
    const title = textValue(req.query.title, 400);
    const lang: Locale = isLocale(req.query.lang) ? req.query.lang : 'en';
    const [article] = prefillFromQuery({ url, title }).articles;
    const asked = url !== '' || title !== '';
    const params = new URLSearchParams();
    if (article.url) params.set('url', article.url);
    if (article.title) params.set('title', article.title);
    params.set('lang', lang);
    const link = `${form}?${params}`;
    const i18n = i18nFor(lang);
    const text = i18n.t('embed.linkText');
    const dir = i18n.dir === 'rtl' ? ' dir="rtl"' : '';
    renderDesk(req, res, 200, 'staff/link-builder', {
      nav: 'link-builder',
      title: 'Footer link builder',
      url,
      titleValue: title,
      lang,
      result: asked
        ? {
            link,
            html: `<p lang="${lang}"${dir}><a href="${escapeHtml(link)}">${escapeHtml(text)}</a></p>`,
            dropped: [
              !article.url && url ? 'the URL (not an http or https address)' : '',
              !article.title && title ? 'the title (more than one line, or over 300 characters)' : '',
            ].filter(Boolean),
          }
        : null,
      snippet: `<a data-reprise-link href="${escapeHtml(form)}">${escapeHtml(text)}</a>\n<script src="${escapeHtml(`${config.publicBaseUrl}/licensing/embed.js`)}" async></script>`,
    });
  };
}
