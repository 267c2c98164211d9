// Passkeys on the sign-in page (#passkey-sign-in) and the account page (#passkey-add). Each form stays hidden
// unless the browser can use passkeys; on submit it asks the desk for a challenge, lets the browser create or
// use the passkey, puts the browser's answer in the form's hidden field and sends the form as usual, so the
// result is an ordinary page. Plain browser JavaScript with SimpleWebAuthn's browser bundle, no build step.
(function () {
  'use strict';
  var webauthn = window.SimpleWebAuthnBrowser;
  if (!webauthn || !window.fetch || !webauthn.browserSupportsWebAuthn()) return;

  var setUp = function (form, optionsUrl, ceremony, cancelled) {
    if (!form) return;
    var status = form.querySelector('.passkey-status');
    var answer = form.querySelector('input[name="response"]');
    var say = function (text) {
      if (status) status.textContent = text;
    };
    form.hidden = false;
    document.querySelectorAll('.passkey-unsupported').forEach(function (note) {
      note.hidden = true;
    });
    var busy = false;
    form.addEventListener('submit', function (event) {
      if (answer.value) return; // the browser's answer is in: the form goes to the desk
      event.preventDefault();
      if (busy) return;
      busy = true;
      say('Waiting for your passkey…');
      var body = new URLSearchParams({ _csrf: form.querySelector('input[name="_csrf"]').value });
      fetch(optionsUrl, { method: 'POST', body: body, credentials: 'same-origin' })
        .then(function (response) {
          if (!response.ok) throw new Error('options ' + response.status);
          return response.json();
        })
        .then(function (optionsJSON) {
          return ceremony({ optionsJSON: optionsJSON });
        })
        .then(function (result) {
          answer.value = JSON.stringify(result);
          say('Checking your passkey…');
          form.submit();
        })
        .catch(function (error) {
          busy = false;
          say(
            error && error.name === 'NotAllowedError' ? cancelled : 'That did not work. Reload the page and try again.',
          );
        });
    });
  };

  setUp(
    document.getElementById('passkey-sign-in'),
    '/staff/login/passkey/options',
    webauthn.startAuthentication,
    'No passkey was used. Try again, or sign in with your password.',
  );
  setUp(
    document.getElementById('passkey-add'),
    '/staff/account/passkeys/options',
    webauthn.startRegistration,
    'No passkey was created. Try again when you are ready.',
  );
})();
