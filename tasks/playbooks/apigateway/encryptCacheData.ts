import type { Stage } from '@aws-sdk/client-api-gateway';
import { definePlaybook } from '../definePlaybook.js';
import { getStage, methodSettingsOf, patchStage, stageLabel, STAGE_PERMISSIONS } from './restApiStage.js';

/**
 * The cache encryption of each method setting that caches, by method-setting key (`*\/*`,
 * `~1pets/GET`): what APIGateway.5 evaluates, and all that apply and rollback change.
 */
type CacheEncryptionSnapshot = { cachingMethods: Record<string, boolean> };

function cachingMethods(stage: Stage): Record<string, boolean> {
  return Object.fromEntries(
    Object.entries(methodSettingsOf(stage))
      .filter(([, settings]) => settings.cachingEnabled)
      .map(([key, settings]) => [key, settings.cacheDataEncrypted ?? false])
      .sort(([a], [b]) => String(a).localeCompare(String(b))),
  );
}

const unencrypted = (methods: Record<string, boolean>) => Object.keys(methods).filter((key) => !methods[key]);
const encryptionPatch = (keys: readonly string[], encrypted: boolean) =>
  keys.map((key) => ({ op: 'replace' as const, path: `/${key}/caching/dataEncrypted`, value: String(encrypted) }));
/** `*\/*` → every method; `~1pets/GET` → method GET /pets (the resource path's `/` is escaped as `~1` in the key). */
function methodWords(key: string): string {
  if (key === '*/*') return 'every method of the stage';
  const cut = key.lastIndexOf('/');
  return `method ${key.slice(cut + 1)} ${key.slice(0, cut).replace(/~1/g, '/')}`;
}

/** Why encrypting the cache can disrupt: stated in every plan that changes the stage. */
const IMPACT = {
  level: 'disruptive',
  why:
    'API Gateway may flush the entries these methods have cached when their encryption changes, sending their requests to the backend until ' +
    'the cache warms up again; Rectify cannot tell how much load that adds. Encryption itself has no charge',
} as const;

/**
 * Encrypts the cache data of every method of a REST API stage that caches (APIGateway.5,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/apigateway-controls.html#apigateway-5;
 * AWS Config rule `api-gw-cache-encrypted`, a custom rule of Security Hub's: it fails when any
 * method of the stage is configured to cache and its cache is not encrypted). `verify` reads the
 * stage's method settings: each one with `cachingEnabled` must have `cacheDataEncrypted`. Only
 * those settings change (`/<resource>/<method>/caching/dataEncrypted`); methods that do not cache,
 * the cache cluster's size, TTLs, logging and throttling stay as they are. Rollback turns
 * encryption off again for exactly the methods it turned it on for.
 */
export const encryptCacheData = definePlaybook<CacheEncryptionSnapshot, { description: string }>({
  id: 'apigateway-encrypt-cache-data',
  title: 'Encrypt the cache data of an API Gateway REST API stage',
  controls: ['APIGateway.5'],
  resourceType: 'AwsApiGatewayStage',
  impact: IMPACT.level,
  permissions: [...STAGE_PERMISSIONS],

  snapshot: async (ctx) => ({ cachingMethods: cachingMethods(await getStage(ctx)) }),

  plan(ctx, current) {
    const keys = unencrypted(current.cachingMethods);
    if (keys.length === 0) return { summary: `REST API stage ${stageLabel(ctx)} caches no method unencrypted`, changes: [] };
    return {
      summary: `Encrypt the cache data of ${keys.length} method setting(s) of REST API stage ${stageLabel(ctx)} (${IMPACT.level}: ${IMPACT.why})`,
      impact: IMPACT,
      changes: keys.map((key) => ({ description: `Encrypt the cache data of ${methodWords(key)} on REST API stage ${ctx.resource.id} (caching/dataEncrypted true)` })),
    };
  },

  async apply(ctx) {
    await patchStage(ctx, encryptionPatch(unencrypted(cachingMethods(await getStage(ctx))), true));
  },

  async verify(ctx) {
    const keys = unencrypted(cachingMethods(await getStage(ctx)));
    return {
      compliant: keys.length === 0,
      detail:
        keys.length === 0
          ? `Every method of REST API stage ${stageLabel(ctx)} that caches encrypts its cache data`
          : `REST API stage ${stageLabel(ctx)} caches unencrypted for ${keys.map(methodWords).join(', ')}`,
    };
  },

  async rollback(ctx, snapshot) {
    const now = cachingMethods(await getStage(ctx));
    const reEncrypted = unencrypted(snapshot.cachingMethods).filter((key) => now[key] === true);
    await patchStage(ctx, encryptionPatch(reEncrypted, false));
  },
});
