// The little of oidc-provider's API the test rig uses (the package ships no type declarations).
declare module 'oidc-provider' {
  import type { Server } from 'node:http';
  interface Ctx {
    oidc: { client?: { clientId: string } };
  }
  export class Provider {
    constructor(issuer: string, configuration: Record<string, unknown> & {
      features?: {
        resourceIndicators?: {
          enabled: boolean;
          defaultResource?: (ctx: Ctx) => string;
          useGrantedResource?: () => boolean;
          getResourceServerInfo?: (ctx: Ctx, resource: string) => Record<string, unknown>;
        };
      } & Record<string, unknown>;
    });
    on(event: string, listener: (...args: unknown[]) => void): this;
    listen(port: number, host: string, callback: () => void): Server;
  }
}
