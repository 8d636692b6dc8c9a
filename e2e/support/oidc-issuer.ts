// A real OpenID Connect issuer (oidc-provider) for the end-to-end tests, with its development
// login form: any login and password sign in. A login that looks like an address is the account's
// email; one starting "unverified-" has an email the issuer does not vouch for.
import Provider from "oidc-provider";

const port = Number(process.env.E2E_OIDC_PORT);
const appUrl = process.env.E2E_APP_URL;
if (!port || !appUrl) throw new Error("E2E_OIDC_PORT and E2E_APP_URL are required");

const issuer = `http://127.0.0.1:${port}`;
const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.OIDC_CLIENT_ID ?? "steadystar-e2e",
      client_secret: process.env.OIDC_CLIENT_SECRET ?? "e2e-oidc-secret",
      redirect_uris: [`${appUrl}/api/auth/callback/oidc`],
      grant_types: ["authorization_code"],
      response_types: ["code"],
    },
  ],
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
  // Put the email in the ID token itself, as Google and most identity providers do.
  conformIdTokenClaims: false,
  cookies: { keys: ["e2e-only-cookie-key"] },
  findAccount(_ctx, id) {
    return {
      accountId: id,
      claims: () => ({
        sub: id,
        email: id.includes("@") ? id : `${id}@oidc.example.test`,
        email_verified: !id.startsWith("unverified-"),
        name: `OIDC ${id.split("@")[0]}`,
      }),
    };
  },
});
provider.listen(port, () => console.log(`OIDC issuer on ${issuer}`));
