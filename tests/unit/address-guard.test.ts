// The webhook SSRF guard's idea of "private": every form of loopback, private, link-local and reserved address,
// IPv4 inside IPv6 included; public addresses pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPrivateAddress } from '../../src/webhooks/address-guard.js';

test('private, loopback, link-local and reserved addresses, in every form, are private', () => {
  for (const address of [
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::127.0.0.1',
    '::ffff:0:7f00:1',
    '64:ff9b::a9fe:a9fe',
    '2002:7f00:1::',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    'fec0::1',
  ]) {
    assert.equal(isPrivateAddress(address), true, address);
  }
});

test('public addresses are not', () => {
  for (const address of [
    '93.184.215.14',
    '8.8.8.8',
    '2606:2800:21f:cb07:6820:80da:af6b:8b2c',
    '2001:4860:4860::8888',
  ]) {
    assert.equal(isPrivateAddress(address), false, address);
  }
});
