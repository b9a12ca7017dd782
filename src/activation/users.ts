/**
 * `dysnomia-support/{groups,users}/<name>`: users and groups a component needs (dysnomia-addgroups,
 * dysnomia-addusers, dysnomia-delusers, dysnomia-delgroups). They are created only when running as
 * root; otherwise the module says they were skipped. Tools run without a shell (groupadd, useradd,
 * userdel, groupdel, getent).
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseKeyValue } from './properties.js';
import { isRoot } from './state.js';

export interface SupportEntry {
  name: string;
  vars: Record<string, string>;
}

export interface Support {
  groups: SupportEntry[];
  users: SupportEntry[];
}

async function readEntries(dir: string): Promise<SupportEntry[]> {
  let names: string[];
  try {
    names = (await fs.readdir(dir)).sort();
  } catch {
    return [];
  }
  const entries: SupportEntry[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    entries.push({ name, vars: parseKeyValue(await fs.readFile(file, 'utf8'), { file }) });
  }
  return entries;
}

export async function readSupport(component: string): Promise<Support | undefined> {
  const dir = path.join(component, 'dysnomia-support');
  const exists = await fs.stat(dir).then((s) => s.isDirectory(), () => false);
  if (!exists) return undefined;
  return { groups: await readEntries(path.join(dir, 'groups')), users: await readEntries(path.join(dir, 'users')) };
}

function getent(database: 'group' | 'passwd', name: string): string[] | undefined {
  try {
    return execFileSync('getent', [database, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split(':');
  } catch {
    return undefined;
  }
}

function run(tool: string, args: string[]): void {
  execFileSync(tool, args, { stdio: ['ignore', 'inherit', 'inherit'] });
}

/** Create missing groups then users; returns what was created (for a rollback). */
export async function addSupport(support: Support, warn: (line: string) => void): Promise<Support> {
  const created: Support = { groups: [], users: [] };
  for (const group of support.groups) {
    const existing = getent('group', group.name);
    if (existing) {
      if (group.vars.gid && existing[2] !== group.vars.gid) warn(`group ${group.name} already exists with gid ${existing[2]} (wanted ${group.vars.gid}); keeping it`);
      continue;
    }
    run('groupadd', [...(group.vars.gid ? ['-g', group.vars.gid] : []), group.name]);
    created.groups.push(group);
  }
  for (const user of support.users) {
    const v = user.vars;
    const existing = getent('passwd', user.name);
    if (existing) {
      if (v.uid && existing[2] !== v.uid) warn(`user ${user.name} already exists with uid ${existing[2]} (wanted ${v.uid}); keeping it`);
      continue;
    }
    const home = v.homeDir || '/dev/null';
    const createHome = v.createHomeDir === '1' || v.createHomeDir === 'true';
    run('useradd', [
      ...(v.uid ? ['-u', v.uid] : []),
      ...(v.group ? ['-g', v.group] : []),
      ...(v.password ? ['-p', v.password] : []),
      ...(v.description ? ['-c', v.description] : []),
      ...(v.shell ? ['-s', v.shell] : []),
      '-d',
      home,
      createHome ? '-m' : '-M',
      user.name,
    ]);
    if (v.createHomeDirOnly === '1' && home !== '/dev/null') {
      await fs.mkdir(home, { recursive: true });
      run('chown', [`${user.name}${v.group ? `:${v.group}` : ''}`, home]);
    }
    created.users.push(user);
  }
  return created;
}

/** Delete users then groups (deactivation, or rolling back a failed activation). */
export function removeSupport(support: Support, warn: (line: string) => void): void {
  for (const user of support.users) {
    if (!getent('passwd', user.name)) continue;
    try {
      run('userdel', [user.name]);
    } catch (error) {
      warn(`could not delete user ${user.name}: ${(error as Error).message}`);
    }
  }
  for (const group of support.groups) {
    if (!getent('group', group.name)) continue;
    try {
      run('groupdel', [group.name]);
    } catch (error) {
      warn(`could not delete group ${group.name}: ${(error as Error).message}`);
    }
  }
}

/** Whether users and groups are managed: only as root, and not when DYSNOMIA_SKIP_USERS=1. */
export function manageUsers(env: NodeJS.ProcessEnv = process.env, root = isRoot()): boolean {
  return root && env.DYSNOMIA_SKIP_USERS !== '1';
}
