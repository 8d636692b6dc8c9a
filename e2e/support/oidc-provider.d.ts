// oidc-provider 9 ships no types; this declares the part e2e/support/oidc-issuer.ts uses.
declare module "oidc-provider" {
  type Claims = Record<string, unknown> & { sub: string };
  type Account = { accountId: string; claims: () => Claims | Promise<Claims> };
  type Configuration = {
    clients: Record<string, unknown>[];
    claims?: Record<string, string[]>;
    conformIdTokenClaims?: boolean;
    cookies?: { keys: string[] };
    findAccount: (ctx: unknown, id: string) => Account | undefined | Promise<Account | undefined>;
  };
  export default class Provider {
    constructor(issuer: string, configuration: Configuration);
    listen(port: number, callback?: () => void): unknown;
  }
}
