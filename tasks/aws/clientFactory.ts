import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { applyClientHooks, callHooksPlugin } from './clientHooks.js';
import { endpointFor } from './endpoints.js';

/** Any AWS SDK v3 client class. */
export type ClientConstructor<C> = new (config: Record<string, unknown>) => C;

/** Hands out AWS SDK clients bound to one account and region. */
export interface AwsClients {
  readonly account: string;
  readonly region: string;
  client<C>(ctor: ClientConstructor<C>): C;
}

export interface ClientFactoryOptions {
  /** Account the tasks run in (the Security Hub administrator account). */
  readonly adminAccount?: string;
  /** Name of the role to assume in member accounts (the read or the change role; docs/decisions/010). */
  readonly memberRoleName: string;
  /** Use the task's own credentials for findings in the administrator account instead of assuming the member role there. */
  readonly sameAccountShortcut: boolean;
  /** Session name for the assumed role; shows in the member account's CloudTrail. */
  readonly sessionName?: string;
  readonly partition?: string;
  readonly env?: NodeJS.ProcessEnv;
}

const serviceIds = new WeakMap<object, string>();

function serviceIdOf(ctor: ClientConstructor<unknown>): string {
  let id = serviceIds.get(ctor);
  if (!id) {
    // The service id lives on the resolved config; a throwaway instance is the public way to read it.
    const probe = new ctor({ region: 'us-east-1' }) as { config: { serviceId: string }; destroy?: () => void };
    id = probe.config.serviceId;
    probe.destroy?.();
    serviceIds.set(ctor, id);
  }
  return id;
}

/**
 * SDK configuration for one service: endpoint overrides from the environment (moto and the
 * local runtime in development and tests), path-style S3, and bounded retries.
 */
export function clientConfig(
  ctor: ClientConstructor<unknown>,
  region: string,
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, unknown> {
  const serviceId = serviceIdOf(ctor);
  const endpoint = endpointFor(serviceId, env);
  const maxAttempts = Number(env.RECTIFY_SDK_MAX_ATTEMPTS ?? 3);
  const config: Record<string, unknown> = { region, maxAttempts, ...(credentials ? { credentials } : {}) };
  if (endpoint) {
    config.endpoint = endpoint;
    if (serviceId === 'S3') config.forcePathStyle = true;
    // S3 Control puts the account id in the host name; an emulator is one host.
    if (serviceId === 'S3 Control') config.endpointProvider = () => ({ url: new URL(endpoint) });
    // The Kinesis client speaks HTTP/2 by default (for SubscribeToShard); an emulator speaks HTTP/1.1, as Kinesis's other calls do in AWS.
    if (serviceId === 'Kinesis') config.requestHandler = new NodeHttpHandler();
  }
  return config;
}

/**
 * Clients for the finding's account and region. In the administrator account (with the
 * shortcut on) they use the task's own role; anywhere else they assume the member role named
 * `memberRoleName`, whose policy is generated from the playbooks' declared permissions.
 */
export function clientsFor(account: string, region: string, options: ClientFactoryOptions): AwsClients {
  const env = options.env ?? process.env;
  const partition = options.partition ?? 'aws';
  const local = options.sameAccountShortcut && options.adminAccount === account;
  const assumedRoleArn = local ? undefined : `arn:${partition}:iam::${account}:role/${options.memberRoleName}`;
  const credentials = !assumedRoleArn
    ? undefined
    : fromTemporaryCredentials({
        params: {
          RoleArn: assumedRoleArn,
          RoleSessionName: (options.sessionName ?? 'rectify').replace(/[^\w+=,.@-]/g, '-').slice(0, 64),
          DurationSeconds: 900,
        },
        clientConfig: { ...clientConfigForSts(region, env) },
        // The AssumeRole itself is made with the process's own credentials.
        clientPlugins: [callHooksPlugin({ region, ...(options.adminAccount ? { account: options.adminAccount } : {}) })],
      });
  const cache = new Map<unknown, unknown>();
  return {
    account,
    region,
    client<C>(ctor: ClientConstructor<C>): C {
      let client = cache.get(ctor) as C | undefined;
      if (!client) {
        client = applyClientHooks(new ctor(clientConfig(ctor as ClientConstructor<unknown>, region, credentials, env)), {
          region,
          account,
          ...(assumedRoleArn ? { assumedRoleArn } : {}),
        });
        cache.set(ctor, client);
      }
      return client;
    },
  };
}

function clientConfigForSts(region: string, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const endpoint = endpointFor('STS', env);
  return { region, ...(endpoint ? { endpoint } : {}) };
}

/** Clients for the administrator account itself (tables, topics, parameters, Step Functions). */
export function adminClient<C>(ctor: ClientConstructor<C>, region = process.env.AWS_REGION ?? 'us-east-1'): C {
  return applyClientHooks(new ctor(clientConfig(ctor as ClientConstructor<unknown>, region)), { region });
}
