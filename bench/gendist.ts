/**
 * gendist benchmarks (issue 3): whole CLI runs, model loading and output included.
 * - dydisnix-gendist, 3-step JSON pipeline (mapAttrOnList → order → divide greedy), 10k services ×
 *   1k targets (target < 2 s);
 * - dydisnix-divide, 50k services × 100 candidate targets each (target < 2 s);
 * - start-up of each command on the small fixture models (median of 5).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { binPath, medianSeconds, repoRoot, timeCommand, type Benchmark } from './harness.js';
import { generateModels, writeModels } from './generate.js';

const fixture = (name: string) => path.join(repoRoot, 'fixtures', 'gendist', name);

async function checked(command: string, args: string[]) {
  const run = await timeCommand(binPath(command), args);
  if (run.code !== 0) throw new Error(`${command} failed (${run.code}): ${run.stderr.slice(0, 300)}`);
  return run;
}

export const benchmarks: Benchmark[] = [
  {
    area: 'gendist',
    name: 'gendist 10k services x 1k targets, pipeline mapAttrOnList -> order -> divide greedy (JSON)',
    async run(workDir) {
      const dir = path.join(workDir, 'gendist-10k');
      const models = generateModels({ services: 10_000, targets: 1_000, avgDependencies: 1 });
      const files = await writeModels(models, dir, 'json');
      const qos = path.join(dir, 'qos.json');
      await fs.writeFile(
        qos,
        JSON.stringify({
          pipeline: [
            { filter: 'mapAttrOnList', serviceProperty: 'type', targetPropertyList: 'supportedTypes' },
            { filter: 'order', targetProperty: 'priority' },
            { filter: 'divide', strategy: 'greedy', serviceProperty: 'requireMem', targetProperty: 'mem' },
          ],
        }),
      );
      const run = await checked('dydisnix-gendist', ['-s', files.services, '-i', files.infrastructure, '-q', qos, '--output-json']);
      const result = JSON.parse(run.stdout) as Record<string, string[]>;
      const used = new Set(Object.values(result).map((targets) => targets[0]));
      return { seconds: run.seconds, peakMB: run.peakMB, target: '< 2 s', note: `${Object.keys(result).length} services placed on ${used.size} targets (10M candidate pairs)` };
    },
  },
  {
    area: 'gendist',
    name: 'divide 50k services x 100 targets (100 candidates each, greedy, JSON)',
    async run(workDir) {
      const dir = path.join(workDir, 'divide-50k');
      const models = generateModels({ services: 50_000, targets: 100, avgDependencies: 0 });
      // Enough capacity for everything: ~1.6M demanded in total.
      for (const target of Object.values(models.infrastructure)) target.properties.mem = 40_000;
      const files = await writeModels(models, dir, 'json');
      const args = ['-s', files.services, '-i', files.infrastructure, '-d', files.distribution, '--service-property', 'requireMem', '--target-property', 'mem', '--output-json'];
      const results = [];
      for (const strategy of ['greedy', 'best-fit-decreasing']) {
        const run = await checked('dydisnix-divide', ['--strategy', strategy, ...args]);
        const placed = Object.keys(JSON.parse(run.stdout) as object).length;
        results.push({ seconds: run.seconds, peakMB: run.peakMB, target: '< 2 s', note: `${strategy}: ${placed} services placed (5M candidate pairs)` });
      }
      return results;
    },
  },
  {
    area: 'gendist',
    name: 'divide 50k services x 100 targets (10 candidates each, greedy, JSON)',
    async run(workDir) {
      const dir = path.join(workDir, 'divide-50k-10');
      const models = generateModels({ services: 50_000, targets: 100, avgDependencies: 0, candidates: 10 });
      for (const target of Object.values(models.infrastructure)) target.properties.mem = 40_000;
      const files = await writeModels(models, dir, 'json');
      const run = await checked('dydisnix-divide', ['--strategy', 'greedy', '-s', files.services, '-i', files.infrastructure, '-d', files.distribution, '--service-property', 'requireMem', '--target-property', 'mem', '--output-json']);
      const placed = Object.keys(JSON.parse(run.stdout) as object).length;
      return { seconds: run.seconds, peakMB: run.peakMB, target: '< 2 s', note: `${placed} services placed (500k candidate pairs)` };
    },
  },
  {
    // Issue 17's placement rules: a whole pipeline through the CLI on a mid-sized model.
    area: 'gendist',
    name: 'gendist placement 2k services x 60 targets: antiAffinity -> prefer -> spread (groups of 200) -> divideResources bfd (JSON)',
    async run(workDir) {
      const dir = path.join(workDir, 'placement-2k');
      const models = generateModels({ services: 2_000, targets: 60, avgDependencies: 0 });
      Object.values(models.infrastructure).forEach((target, t) => Object.assign(target.properties, { rack: `r${t % 3}`, cpu: 64, ssd: t % 2 === 0 }));
      Object.values(models.services).forEach((service, s) => Object.assign(service.properties, { requireCpu: 1 + (s % 2), group: `g${s % 10}` }));
      const files = await writeModels(models, dir, 'json');
      const qos = path.join(dir, 'qos.json');
      const names = Object.keys(models.services);
      await fs.writeFile(
        qos,
        JSON.stringify({
          pipeline: [
            { filter: 'antiAffinity', serviceNames: names.slice(0, 3), targetProperty: 'rack' },
            { filter: 'prefer', preferences: [{ targetProperty: 'ssd', value: true, weight: 2 }] },
            { filter: 'spread', targetProperty: 'rack', groupBy: 'group', narrow: 'zone' },
            { filter: 'divideResources', strategy: 'best-fit-decreasing', resources: ['requireMem:mem', 'requireCpu:cpu'] },
          ],
        }),
      );
      const run = await checked('dydisnix-gendist', ['-s', files.services, '-i', files.infrastructure, '-q', qos, '--output-json']);
      const placed = Object.keys(JSON.parse(run.stdout) as object).length;
      return { seconds: run.seconds, peakMB: run.peakMB, target: '', note: `${placed} services placed (120k candidate pairs)` };
    },
  },
  {
    area: 'gendist',
    name: 'start-up: dydisnix-gendist (small JSON model, 3-step pipeline, median of 5)',
    async run() {
      const seconds = await medianSeconds(binPath('dydisnix-gendist'), ['-s', fixture('services.json'), '-i', fixture('infrastructure.json'), '-q', fixture('qos-order.json'), '--output-json']);
      return { seconds, target: '~0.2 s' };
    },
  },
  {
    area: 'gendist',
    name: 'start-up: dydisnix-gendist (Nix models + Nix QoS, median of 5)',
    async run() {
      const seconds = await medianSeconds(binPath('dydisnix-gendist'), ['-s', fixture('services.nix'), '-i', fixture('infrastructure.nix'), '-q', fixture('qos-order.nix')]);
      return { seconds, note: 'three nix-instantiate runs (services, infrastructure, QoS)' };
    },
  },
  {
    area: 'gendist',
    name: 'start-up: dydisnix-divide (small JSON model, median of 5)',
    async run() {
      const seconds = await medianSeconds(binPath('dydisnix-divide'), ['--strategy', 'greedy', '-s', fixture('services.json'), '-i', fixture('infrastructure.json'), '-d', fixture('distribution.json'), '--service-property', 'requireMem', '--target-property', 'mem', '--output-json']);
      return { seconds, target: '~0.2 s' };
    },
  },
  {
    area: 'gendist',
    name: 'start-up: dydisnix-augment-infra (JSON merge patch, median of 5)',
    async run() {
      const seconds = await medianSeconds(binPath('dydisnix-augment-infra'), ['-i', fixture('infrastructure.json'), '-a', fixture('augment.json'), '--output-json']);
      return { seconds, target: '~0.2 s' };
    },
  },
];
