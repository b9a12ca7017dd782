/** Reading the deployment architecture from the manifest that dydisnix-env really writes. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildManifest } from '../deploy/manifest.js';
import { distributionFromRaw, infrastructureFromRaw, servicesFromRaw } from '../model/schemas.js';
import { deploymentDot } from './deployment.js';
import { readManifest } from './manifest.js';

describe('readManifest', () => {
  it('reads the manifest of dydisnix-env: properties nested under `properties` reach the labels', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dydisnix-vis-manifest-'));
    for (const name of ['web', 'db', 'store']) {
      await fs.mkdir(path.join(dir, 'components', name), { recursive: true });
      await fs.writeFile(path.join(dir, 'components', name, 'run'), name);
    }
    const services = servicesFromRaw(
      {
        web: { name: 'web', type: 'process', pkg: 'components/web', dependsOn: ['db'], connectsTo: ['store'], environment: { PORT: 8080 }, description: 'front' },
        db: { name: 'db', type: 'process', pkg: 'components/db', providesContainer: 'mysql-database', group: 'back' },
        store: { name: 'store', type: 'process', pkg: 'components/store', providesContainers: { b: {}, a: { port: 1 } } },
      },
      'services.json',
    );
    const infrastructure = infrastructureFromRaw({ t1: { properties: { hostname: 't1' }, containers: { process: {} } } }, 'infrastructure.json');
    const distribution = distributionFromRaw({ web: ['t1'], db: ['t1'], store: ['t1'] }, 'distribution.json');
    const manifest = await buildManifest({ services, infrastructure, distribution, baseDir: dir });
    // The layout of docs/deploy.md: every other property sits under `properties`.
    expect(manifest.services.db!.properties).toEqual({ providesContainer: 'mysql-database', group: 'back' });
    const file = path.join(dir, 'manifest.json');
    await fs.writeFile(file, JSON.stringify({ ...manifest, generation: 1 }));

    const architecture = await readManifest(file);
    expect(architecture.services.db!.properties.providesContainer).toBe('mysql-database');
    expect(architecture.services.web!.properties.description).toBe('front');
    expect(architecture.services.web!.dependsOn).toEqual(['db']);
    expect(architecture.services.web!.properties).not.toHaveProperty('properties');
    expect(architecture.services.web!.properties).not.toHaveProperty('contentHash');
    const dot = await deploymentDot(architecture, { containers: true });
    expect(dot).toContain('label = "db &#8594;\\nmysql-database";');
    expect(dot).toContain('label = "store\\n &#8594; { a\\n, b\\n}";');
    expect(dot).toContain('"web:t1:process" -> "store:t1:process" [');
  });
});
