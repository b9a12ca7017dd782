/**
 * dydisnix-self-adapt (reference §1.16): every round, capture the infrastructure (--geninfra) or read
 * the watched -i file, augment it, and hash its canonical JSON. When the hash differs from the last
 * deployed one (always in the first round), redeploy: gendist, IDs, transition. A failed round is
 * logged and the loop goes on; the hash is only remembered after a successful deployment, so a failed
 * round is retried.
 */
import { createHash } from 'node:crypto';
import { exitCodeFor } from '../errors.js';
import type { DeployOptions } from './deploy.js';
import type { EnvOptions } from './env.js';

export interface SelfAdaptOptions extends EnvOptions {
  /** Seconds between rounds. */
  interval: number;
  /** Stop after this many rounds (default: forever). */
  maxRounds?: number;
}

export interface SelfAdaptSummary {
  rounds: number;
  deployments: number;
  failures: number;
  lastRoundFailed: boolean;
  /** The exit status of the last round's error (exitCodeFor: 2 for an invalid model), when it failed. */
  lastExitCode?: 1 | 2;
}

export async function selfAdapt(options: SelfAdaptOptions, deployOptions: DeployOptions, stop: () => boolean = () => false): Promise<SelfAdaptSummary> {
  const log = deployOptions.log ?? (() => {});
  const say = (message: string) => log(`[coordinator]: ${message}`);
  const env = await import('./env.js');
  const { deploy } = await import('./deploy.js');
  const { infrastructureToJson } = await import('../model/formats/json-write.js');
  let lastHash: string | undefined;
  const summary: SelfAdaptSummary = { rounds: 0, deployments: 0, failures: 0, lastRoundFailed: false };
  while (!stop() && (options.maxRounds === undefined || summary.rounds < options.maxRounds)) {
    summary.rounds++;
    say(`Round ${summary.rounds}${options.maxRounds !== undefined ? ` of ${options.maxRounds}` : ''}`);
    try {
      await env.withWorkDir(async (workDir) => {
        const { file, infrastructure } = await env.resolveInfrastructure(options, workDir, log);
        const hash = createHash('sha256').update(infrastructureToJson(infrastructure)).digest('hex');
        if (hash === lastHash) {
          say('The infrastructure has not changed');
          return;
        }
        say(`A change in the infrastructure has been detected! (sha256 ${hash.slice(0, 12)})`);
        await env.withProfileLock(deployOptions, async (locked) => {
          const manifest = await env.planManifest(options, file, locked, log);
          say('Deploying the system...');
          await deploy({ kind: 'switch', manifest }, locked);
        });
        summary.deployments++;
        lastHash = hash;
      });
      summary.lastRoundFailed = false;
    } catch (error) {
      summary.failures++;
      summary.lastRoundFailed = true;
      summary.lastExitCode = exitCodeFor(error);
      say(`Round ${summary.rounds} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (stop() || (options.maxRounds !== undefined && summary.rounds >= options.maxRounds)) break;
    say(`Waiting for ${options.interval} seconds...`);
    await sleep(options.interval * 1000, stop);
  }
  return summary;
}

async function sleep(ms: number, stop: () => boolean): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end && !stop()) await new Promise((resolve) => setTimeout(resolve, Math.min(200, end - Date.now())));
}
