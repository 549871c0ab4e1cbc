// The dashboard's access settings, made once from the validated configuration.
import { getConfig, type Config } from '../config/config';
import { deriveSessionKey } from './session';
import type { DashboardAccess } from './types';

type AccessConfig = Pick<Config, 'dashboardToken' | 'dashboardSessionSecret' | 'dashboardSessionHours'>;

export function dashboardAccess(config: AccessConfig): DashboardAccess {
  if (config.dashboardToken === undefined) return { open: false };
  return {
    open: true,
    token: config.dashboardToken,
    sessionKey: deriveSessionKey(config.dashboardToken, config.dashboardSessionSecret),
    sessionMaxAgeMs: config.dashboardSessionHours * 3_600_000,
  };
}

let cached: DashboardAccess | undefined;

/** The process's dashboard access settings, from {@link getConfig}. */
export function getDashboardAccess(): DashboardAccess {
  cached ??= dashboardAccess(getConfig());
  return cached;
}
