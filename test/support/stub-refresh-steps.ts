import { REFRESH_STEPS, type RefreshSteps } from '../../tools/commands/refresh.js';

/**
 * Refresh steps that only record that they ran (`ran`); `during` runs inside crawl, while the
 * refresh holds its lock. For tests of what runs the steps (`runRefresh`, `refreshRound`).
 */
export function stubSteps(during?: () => Promise<void>) {
  const ran: string[] = [];
  const steps = {} as RefreshSteps;
  for (const step of REFRESH_STEPS)
    steps[step] = async () => {
      ran.push(step);
      if (step === 'crawl') await during?.();
      return step;
    };
  return { ran, steps };
}
