// Config errors as the operator sees them: the list of problems loadConfig reports.
import { ConfigError, loadConfig } from '../../hub/config.ts';

export function configProblems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}
