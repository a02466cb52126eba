/** `allowed_outbound_hosts` with Spin's rules. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AllowedHostError, allows, allowsSelf, parseAllowedHost, parseAllowedHosts, serviceChainingTarget } from '../../src/host/allowed-hosts.ts';

const ok = (pattern: string, url: string) => {
  const u = new URL(url);
  return allows(parseAllowedHost(pattern), {
    scheme: u.protocol.slice(0, -1),
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : undefined,
  });
};

test('an exact host allows only its scheme and default port', () => {
  assert.equal(ok('https://example.com', 'https://example.com/x'), true);
  assert.equal(ok('https://example.com', 'http://example.com/x'), false);
  assert.equal(ok('https://example.com', 'https://example.com:8443/x'), false);
  assert.equal(ok('https://example.com', 'https://api.example.com/'), false);
});

test('wildcards for scheme, subdomain and port', () => {
  assert.equal(ok('*://example.com:*', 'http://example.com:9000/'), true);
  assert.equal(ok('https://*.example.com', 'https://api.example.com/'), true);
  assert.equal(ok('https://*.example.com', 'https://example.com/'), false);
  assert.equal(ok('*://*:*', 'http://127.0.0.1:1234/'), true);
});

test('port ranges are end-exclusive', () => {
  assert.equal(ok('http://localhost:3000..3002', 'http://localhost:3001/'), true);
  assert.equal(ok('http://localhost:3000..3002', 'http://localhost:3002/'), false);
});

test('CIDR blocks match IP addresses', () => {
  assert.equal(ok('http://127.0.0.0/8:*', 'http://127.1.2.3:80/'), true);
  assert.equal(ok('http://10.0.0.0/8:*', 'http://11.0.0.1/'), false);
  assert.equal(ok('http://[::1]:*', 'http://[::1]:8080/'), true);
});

test("Spin's messages for bad patterns", () => {
  assert.throws(
    () => parseAllowedHost('example.com'),
    (e: Error) => e instanceof AllowedHostError && e.message.startsWith('"example.com" does not contain a scheme'),
  );
  assert.throws(() => parseAllowedHost('*'), /is not an allowed outbound host format/);
  assert.throws(() => parseAllowedHost('https://ex*ample.com'), /wildcards are allowed only as subdomains/);
  assert.throws(() => parseAllowedHost('https://example.com/path'), /has a path but is not allowed to|hosts must not contain paths/);
  assert.throws(() => parseAllowedHost('ftp://example.com'), /does not have a known default port number/);
  assert.throws(() => parseAllowedHost('http://example.com:http'), /port "http" is not a number/);
  assert.throws(() => parseAllowedHosts(['insecure:allow-all']), /use '\*:\/\/\*:\*' instead/);
});

test('self allows requests to the app itself, and only self or * do', () => {
  assert.equal(allowsSelf(parseAllowedHosts(['http://self'])), true);
  assert.equal(allowsSelf(parseAllowedHosts(['*://*:*'])), true);
  assert.equal(allowsSelf(parseAllowedHosts(['https://example.com'])), false);
  assert.equal(ok('http://self', 'http://self/'), false, 'self is not a host name to match');
});

test('service chaining hosts name a component', () => {
  assert.equal(serviceChainingTarget('users.spin.internal'), 'users');
  assert.equal(serviceChainingTarget('users.spin.internal:80'), 'users');
  assert.equal(serviceChainingTarget('example.com'), null);
  assert.equal(ok('http://*.spin.internal', 'http://users.spin.internal/'), true);
  assert.equal(ok('http://users.spin.internal', 'http://orders.spin.internal/'), false);
});
