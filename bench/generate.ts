/**
 * Generator of large, deterministic models for benchmarks: N services, M targets, a dependency
 * density (average dependsOn per service, always towards lower-numbered services, so acyclic),
 * and candidate sets of a given size.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Distribution, IdResources, Infrastructure, OutputFormat, Services } from '../src/model/types.js';
import { formatDistribution, formatIdResources, formatInfrastructure, formatServices } from '../src/model/write.js';
import { seededRandom } from '../src/util/random.js';

export interface GeneratorOptions {
  services: number;
  targets: number;
  /** average number of dependsOn edges per service */
  avgDependencies?: number;
  /** candidate targets per service in the distribution; all targets when omitted */
  candidates?: number;
  seed?: number;
}

export interface GeneratedModels {
  services: Services;
  infrastructure: Infrastructure;
  distribution: Distribution;
  idResources: IdResources;
}

export const rng = seededRandom;

const pad = (i: number, width: number) => String(i).padStart(width, '0');

export function generateModels(options: GeneratorOptions): GeneratedModels {
  const random = rng(options.seed ?? 42);
  const sWidth = String(options.services).length;
  const tWidth = String(options.targets).length;
  const serviceName = (i: number) => `svc${pad(i, sWidth)}`;
  const targetName = (i: number) => `target${pad(i, tWidth)}`;
  const zones = ['eu', 'us', 'asia'];
  const types = ['process', 'tomcat-webapplication', 'mysql-database'];

  const infrastructure: Infrastructure = {};
  for (let t = 0; t < options.targets; t++) {
    const name = targetName(t);
    infrastructure[name] = {
      name,
      properties: { hostname: name, mem: 1024 + Math.floor(random() * 8) * 512, zone: zones[t % zones.length]!, supportedTypes: types.slice(0, 1 + (t % types.length)), priority: t % 7, cost: 1 + Math.floor(random() * 10) },
      containers: { process: { runtimeDir: `/run/${name}` } },
      numOfCores: 2,
    };
  }

  const services: Services = {};
  const avg = options.avgDependencies ?? 2;
  for (let s = 0; s < options.services; s++) {
    const name = serviceName(s);
    const dependsOn = new Set<string>();
    if (s > 0) {
      const count = Math.min(s, Math.round(random() * avg * 2));
      for (let k = 0; k < count; k++) dependsOn.add(serviceName(Math.floor(random() * s)));
    }
    services[name] = {
      name,
      type: types[s % types.length]!,
      dependsOn: [...dependsOn].sort(),
      connectsTo: [],
      activatesAfter: [],
      properties: { requireMem: 1 + Math.floor(random() * 64), requireZone: zones[s % zones.length]!, requiresUniqueIdsFor: ['ports', 'uids', 'gids'] },
    };
  }

  const distribution: Distribution = {};
  const targetNames = Object.keys(infrastructure);
  const k = Math.min(options.candidates ?? targetNames.length, targetNames.length);
  for (let s = 0; s < options.services; s++) {
    const start = Math.floor(random() * targetNames.length);
    const list = [];
    for (let c = 0; c < k; c++) list.push({ target: targetNames[(start + c) % targetNames.length]! });
    distribution[serviceName(s)] = list;
  }

  const idResources: IdResources = {
    ports: { min: 3000, max: 3000 + options.services * 2, scope: 'global', step: 1 },
    uids: { min: 2000, max: 2000 + options.services * 2, scope: 'global', step: 1 },
    gids: { min: 2000, max: 2000 + options.services * 2, scope: 'machine', step: 1 },
  };
  return { services, infrastructure, distribution, idResources };
}

export const EXTENSIONS: Record<OutputFormat, string> = { json: 'json', xml: 'xml', nix: 'nix' };

/** Write the generated models into `dir` in one format; returns the file paths. */
export async function writeModels(models: GeneratedModels, dir: string, format: OutputFormat): Promise<Record<keyof GeneratedModels, string>> {
  await fs.mkdir(dir, { recursive: true });
  const ext = EXTENSIONS[format];
  const files = {
    services: path.join(dir, `services.${ext}`),
    infrastructure: path.join(dir, `infrastructure.${ext}`),
    distribution: path.join(dir, `distribution.${ext}`),
    idResources: path.join(dir, `idresources.${ext}`),
  };
  await fs.writeFile(files.services, await formatServices(models.services, format));
  await fs.writeFile(files.infrastructure, await formatInfrastructure(models.infrastructure, format));
  await fs.writeFile(files.distribution, await formatDistribution(models.distribution, format, 'function'));
  await fs.writeFile(files.idResources, await formatIdResources(models.idResources, format));
  return files;
}
