// A real OpenID Connect provider for myapp's tests: npm's oidc-provider with its development
// login page, where any login name signs in.
//
// Start: `node provider.js` with REDIRECT_URIS (comma-separated callback URLs of the app).
// It listens on a free port of 127.0.0.1, serves the issuer http://localhost:<port>, and prints
// one JSON line: {"issuer": ..., "client_id": ..., "client_secret": ...}.
//
// The login name decides the account: its subject is the login name, its email the login name
// (or <login>@example.com when it has no "@"). Tags in the name's local part control the rest:
//   +unverified   email_verified is false
//   +userinfo     the email is left out of the ID token and served by the userinfo endpoint only
//   +noemail      no email at all
// and make the token endpoint hand out a bad ID token, to prove the app refuses each one:
//   +wrongaud     signed by this provider, but issued to another client (aud)
//   +wrongiss     signed by this provider, but naming another issuer (iss)
//   +expired      expired an hour ago (exp)
//   +wrongnonce   a nonce the app never sent
//   +forged       same claims, signed by a key that is not in this provider's JWKS
import http from 'node:http';

import { exportJWK, generateKeyPair, SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import Provider from 'oidc-provider';

const CLIENT_ID = 'myapp-test';
const CLIENT_SECRET = 'myapp-test-secret-that-is-long-enough-for-hs256';
const redirectUris = (process.env.REDIRECT_URIS || '').split(',').filter(Boolean);
if (redirectUris.length === 0) {
  throw new Error('REDIRECT_URIS must name at least one callback URL');
}

function tags(login) {
  const local = login.split('@')[0];
  return new Set(local.split('+').slice(1));
}

function account(login) {
  const email = login.includes('@') ? login : `${login}@example.com`;
  const flags = tags(login);
  return {
    accountId: login,
    async claims(use) {
      const claims = { sub: login, name: login.split('@')[0].split('+')[0] };
      if (flags.has('noemail') || (flags.has('userinfo') && use === 'id_token')) {
        return claims;
      }
      return { ...claims, email, email_verified: !flags.has('unverified') };
    },
  };
}

async function signingKey() {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: 'test-key', alg: 'RS256', use: 'sig' };
}

// Re-sign the ID token of a tagged account the way its tag says, with the provider's own key
// (or, for +forged, a stranger's key under the same key id).
async function tamper(idToken, providerKey, strangerKey) {
  const claims = decodeJwt(idToken);
  const header = decodeProtectedHeader(idToken);
  const flags = tags(claims.sub);
  const now = Math.floor(Date.now() / 1000);
  let key = providerKey;
  if (flags.has('wrongaud')) claims.aud = 'another-client';
  else if (flags.has('wrongiss')) claims.iss = 'http://evil.example';
  else if (flags.has('expired')) Object.assign(claims, { iat: now - 7200, exp: now - 3600 });
  else if (flags.has('wrongnonce')) claims.nonce = 'a-nonce-the-app-never-sent';
  else if (flags.has('forged')) key = strangerKey;
  else return idToken;
  return new SignJWT(claims).setProtectedHeader(header).sign(key);
}

const server = http.createServer();
server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  const issuer = `http://localhost:${port}`;
  const jwk = await signingKey();
  const provider = new Provider(issuer, {
    clients: [{
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
    }],
    jwks: { keys: [jwk] },
    findAccount: (ctx, sub) => account(sub),
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    // Claims in the ID token even in the code flow, as Google and Microsoft do.
    conformIdTokenClaims: false,
    // The app is first-party: no consent screen after the login page.
    async loadExistingGrant(ctx) {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid email profile');
      grant.addOIDCClaims(['email', 'email_verified', 'name']);
      await grant.save();
      return grant;
    },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['test-provider-cookie-key'] },
  });

  const { importJWK } = await import('jose');
  const providerKey = await importJWK(jwk, 'RS256');
  const stranger = await generateKeyPair('RS256');
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/token' && ctx.status === 200 && ctx.body?.id_token) {
      ctx.body = { ...ctx.body, id_token: await tamper(ctx.body.id_token, providerKey, stranger.privateKey) };
    }
  });

  server.on('request', provider.callback());
  process.stdout.write(`${JSON.stringify({ issuer, client_id: CLIENT_ID, client_secret: CLIENT_SECRET })}\n`);
});

// Stop cleanly when the test suite closes our stdin or sends SIGTERM.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
