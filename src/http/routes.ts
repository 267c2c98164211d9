// Every URL of the service, grouped by who uses it: method, path, guards, handler. Handlers call services
// only (src/services/services.ts); guards and body parsers are in ./core/middleware. Public routes come
// first, so a reader's request is matched early.
import type { Express, RequestHandler } from 'express';
import type { Config } from '../config.js';
import type { Services } from '../services/services.js';
import type { Metrics } from '../services/metrics.js';
import { notFound } from '../errors.js';
import { legalPage } from './public/legal.js';
import { publicFormBody, deskFormBody, jsonBody } from './core/middleware/bodies.js';
import { deskForm } from './core/middleware/csrf.js';
import { signedIn, adminOnly } from './core/middleware/auth.js';
import { deskSession } from './core/middleware/session.js';
import { noStore, sameSiteOnly } from './core/middleware/security.js';
import { perIpLimit } from './core/middleware/rate-limits.js';
import { healthCheck } from './operations/health.js';
import { metricsEndpoint } from './operations/metrics.js';
import { licensingForm, staticPage, unlessEditing } from './public/form.js';
import { requesterPages } from './requester/request-page.js';
import { lostLinkPages } from './requester/lost-link.js';
import { licencePages } from './requester/licence-page.js';
import { licenceCheckPage } from './public/licence-check.js';
import { embedScript } from './public/embed.js';
import { linkBuilderPage } from './desk/link-builder.js';
import { api, requireJson } from './api/requests.js';
import { apiReference } from './api/reference.js';
import { readApi } from './api/read.js';
import { apiTokenPages } from './admin/api-tokens.js';
import { webhookPages } from './admin/webhooks.js';
import { signInPages } from './desk/sign-in.js';
import { loginPage } from './desk/login-page.js';
import { passkeyPages } from './desk/passkeys.js';
import { singleSignOnPages } from './desk/single-sign-on.js';
import { queuePage } from './desk/queue.js';
import { deskRequestPage } from './desk/request-page.js';
import { mailPage } from './desk/mail.js';
import { licencesPage } from './desk/licences.js';
import { deskErrors } from './desk/render.js';
import { userPages } from './admin/users.js';
import { accountPages } from './desk/account.js';
import { rateCardPage } from './admin/rate-card.js';
import { exportPages } from './admin/export.js';
import { erasurePages } from './admin/erasure.js';

export function mountRoutes(app: Express, services: Services, metrics: Metrics, config: Readonly<Config>) {
  const route = app;
  const submitLimit = perIpLimit(config.rateLimitSubmitPerHour, 60 * 60_000);
  const quoteLimit = perIpLimit(config.rateLimitQuotePerMinute, 60_000);
  // The sign-in page makes a session (for its CSRF token): a per-IP limit keeps floods out of the sessions table.
  const signInLimit = perIpLimit(config.rateLimitLoginPerMinute, 60_000);
  const deskNotFound: RequestHandler = () => {
    throw notFound();
  };

  const form = licensingForm(services, metrics);
  const requester = requesterPages(services);
  const lostLink = lostLinkPages(services);
  // A requester's actions and the link email: a person's pace, a flood refused per IP.
  const requesterLimit = perIpLimit(config.rateLimitSubmitPerHour, 60 * 60_000);
  const licences = licencePages(services, config);
  // Wrong licence numbers or codes: 10 per IP in 15 minutes, so codes cannot be guessed.
  const guessLimit = perIpLimit(10, 15 * 60_000, undefined, true);
  const queue = queuePage(services, config.overdueWorkingDays);
  const toQueue: RequestHandler = (_req, res) => res.redirect(303, '/staff/requests');
  const apiV1 = api(services, metrics);
  const reference = apiReference(services);
  const read = readApi(services);
  const tokens = apiTokenPages(services);
  const webhooks = webhookPages(services);
  const login = loginPage(config);
  const signIn = signInPages(services, login, {
    production: config.env === 'production',
    secondFactorRequired: config.secondFactor === 'required',
    ssoRequired: config.ssoRequired,
  });
  const passkeys = passkeyPages(services, login, { required: config.ssoRequired, providerName: config.oidc?.name });
  const sso = singleSignOnPages(services, login, {
    providerName: config.oidc?.name ?? '',
    deskSecondStep: config.ssoSecondFactor === 'desk' ? signIn.secondStep : undefined,
  });
  const requestPage = deskRequestPage(services, config.overdueWorkingDays);
  const users = userPages(services);
  const exports = exportPages(services);
  const account = accountPages(services, { providerName: config.oidc?.name, required: config.ssoRequired });
  const erasure = erasurePages(services);

  // operations
  route.get ('/healthz',                                       healthCheck(services));
  route.get ('/metrics',                                       metricsEndpoint(metrics, config.metricsToken));

  // public form
  route.get ('/',                                              (_req, res) => res.redirect(302, '/licensing'));
  route.get ('/licensing',                                     noStore, form.show);
  route.post('/licensing',                                     publicFormBody, unlessEditing(submitLimit), form.submit);
  route.get ('/licensing/received',                            staticPage('public/received'));
  route.get ('/licensing/conditions',                          legalPage(services, config, 'conditions'));
  route.get ('/licensing/privacy',                             legalPage(services, config, 'privacy'));
  route.get ('/licensing/embed.js',                            embedScript(config.publicBaseUrl));

  route.get ('/licences/verify',                               noStore, guessLimit, licenceCheckPage(services));

  // requester
  route.get ('/licensing/requests',                            noStore, lostLink.show);
  route.post('/licensing/requests',                            noStore, requesterLimit, publicFormBody, lostLink.send);
  route.get ('/licensing/requests/:token',                     noStore, requester.show);
  route.post('/licensing/requests/:token/accept',              noStore, requesterLimit, publicFormBody, requester.accept);
  route.post('/licensing/requests/:token/license-now',         noStore, requesterLimit, publicFormBody, requester.licenseNow);
  route.get ('/licensing/requests/:token/renew',               noStore, form.renew);
  route.get ('/licensing/requests/:token/licence',             noStore, licences.forRequester);
  route.get ('/licensing/requests/:token/licence.pdf',         noStore, requesterLimit, licences.pdfForRequester);
  route.get ('/licensing/requests/:token/decline',             noStore, requester.confirmDecline);
  route.post('/licensing/requests/:token/decline',             noStore, requesterLimit, publicFormBody, requester.decline);
  route.get ('/licensing/requests/:token/withdraw',            noStore, requester.confirmWithdraw);
  route.post('/licensing/requests/:token/withdraw',            noStore, requesterLimit, publicFormBody, requester.withdraw);
  route.post('/licensing/requests/:token/messages',            noStore, requesterLimit, publicFormBody, requester.message);

  // API
  route.post('/api/v1/requests',                               requireJson, submitLimit, jsonBody, apiV1.createRequest);
  route.post('/api/v1/quote',                                  requireJson, quoteLimit, jsonBody, apiV1.quote);
  route.get ('/api/v1/requests',                               quoteLimit, read.bearer, read.list);
  route.get ('/api/v1/requests/:reference',                    quoteLimit, read.bearer, read.one);
  route.get ('/api/v1/openapi.json',                           reference.document);
  route.get ('/api/docs',                                      reference.page);
  route.all ('/api/{*rest}',                                   apiV1.notFound);

  // desk (sign-in, the queue, one request, email delivery): session and no-store on /staff and /admin only
  route.use (['/staff', '/admin'],                             ...deskSession(services, config));
  route.get ('/staff/login',                                   signInLimit, signIn.show);
  route.post('/staff/login',                                   signInLimit, deskFormBody, signIn.signIn);
  route.get ('/staff/login/code',                              signIn.showCode);
  route.get ('/staff/login/enrol',                             signIn.showEnrol);
  route.post('/staff/login/enrol',                             signInLimit, deskFormBody, signIn.submitEnrol);
  route.post('/staff/login/code',                              signInLimit, deskFormBody, signIn.submitCode);
  route.post('/staff/login/passkey/options',                   signInLimit, deskFormBody, passkeys.signInOptions);
  route.post('/staff/login/passkey',                           signInLimit, deskFormBody, passkeys.signIn);
  route.get ('/staff/login/sso',                               signInLimit, sso.start);
  route.get ('/staff/login/sso/callback',                      signInLimit, sso.callback);
  route.post('/staff/logout',                                  ...deskForm, signIn.signOut);
  route.get ('/staff',                                         signedIn, toQueue);
  route.get ('/staff/requests',                                signedIn, queue);
  route.get ('/staff/requests/:reference',                     signedIn, requestPage.show);
  route.get ('/staff/requests/:reference/licence',             signedIn, licences.forDesk);
  route.get ('/staff/requests/:reference/licence.pdf',         signedIn, licences.pdfForDesk);
  route.post('/staff/requests/:reference/notes',               signedIn, ...deskForm, requestPage.addNote);
  route.post('/staff/requests/:reference/revoke',              adminOnly, ...deskForm, requestPage.revoke);
  route.post('/staff/requests/:reference/reissue',             adminOnly, ...deskForm, requestPage.reissue);
  route.post('/staff/requests/:reference/reply',               signedIn, ...deskForm, requestPage.reply);
  route.post('/staff/requests/:reference/messages/:id/retry',  signedIn, ...deskForm, requestPage.retryEmail);
  route.post('/staff/requests/:reference/:action',             signedIn, ...deskForm, requestPage.act);
  route.get ('/staff/licences',                                signedIn, licencesPage(services));
  route.get ('/staff/mail',                                    signedIn, mailPage(services));
  route.get ('/staff/link-builder',                            signedIn, linkBuilderPage(config));
  route.get ('/staff/account',                                 signedIn, account.show);
  route.post('/staff/account/sessions/:id/end',                signedIn, ...deskForm, account.end);
  route.get ('/staff/account/authenticator',                   signedIn, account.showAuthenticator);
  route.post('/staff/account/authenticator',                   signedIn, ...deskForm, account.confirmAuthenticator);
  route.post('/staff/account/passkeys/options',                signedIn, ...deskForm, passkeys.registrationOptions);
  route.post('/staff/account/passkeys',                        signedIn, ...deskForm, passkeys.add);
  route.post('/staff/account/passkeys/:id/remove',             signedIn, ...deskForm, passkeys.remove);
  route.use ('/staff',                                         signedIn, deskNotFound);

  // admin
  route.get ('/admin',                                         adminOnly, users.home);
  route.get ('/admin/users',                                   adminOnly, users.list);
  route.post('/admin/users',                                   adminOnly, ...deskForm, users.add);
  route.post('/admin/users/:id/role',                          adminOnly, ...deskForm, users.setRole);
  route.post('/admin/users/:id/disable',                       adminOnly, ...deskForm, users.disable);
  route.post('/admin/users/:id/enable',                        adminOnly, ...deskForm, users.enable);
  route.post('/admin/users/:id/password',                      adminOnly, ...deskForm, users.resetPassword);
  route.post('/admin/users/:id/sessions/end',                  adminOnly, ...deskForm, account.endAll);
  route.get ('/admin/rate-card',                               adminOnly, rateCardPage(services.rateCard));
  route.get ('/admin/export',                                  adminOnly, exports.page);
  route.get ('/admin/export/download',                         adminOnly, sameSiteOnly, exports.download);
  route.get ('/admin/api-tokens',                              adminOnly, tokens.show);
  route.post('/admin/api-tokens',                              adminOnly, ...deskForm, tokens.create);
  route.post('/admin/api-tokens/:id/revoke',                   adminOnly, ...deskForm, tokens.revoke);
  route.get ('/admin/webhooks',                                adminOnly, webhooks.list);
  route.post('/admin/webhooks',                                adminOnly, ...deskForm, webhooks.add);
  route.get ('/admin/webhooks/:id',                            adminOnly, webhooks.show);
  route.post('/admin/webhooks/:id/rotate-secret',              adminOnly, ...deskForm, webhooks.rotateSecret);
  route.post('/admin/webhooks/:id/:action',                    adminOnly, ...deskForm, webhooks.act);
  route.get ('/admin/erase',                                   adminOnly, erasure.show);
  route.post('/admin/erase',                                   adminOnly, ...deskForm, erasure.submit);
  route.use ('/admin',                                         adminOnly, deskNotFound);

  // Mistakes a desk user can act on (403, 404, 409…) in the desk's own layout.
  route.use (['/staff', '/admin'],                             deskErrors);
}
