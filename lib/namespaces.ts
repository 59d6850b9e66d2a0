// Every network namespace on the host, found from /proc and the bind mounts of `ip netns`,
// with the container that owns it where the cgroup path or the runtime's own files tell it.
// Reads files only: no process is spawned, no namespace is entered.
import { promises as fs, statSync } from 'node:fs';
import { join } from 'node:path';

import type { ContainerInfo, NamespaceList, NetworkNamespace } from './netns-types';

/** Where `ip netns` keeps its bind mounts (one is usually a link to the other), and Docker's. */
export const NETNS_DIRS = ['/run/netns', '/var/run/netns', '/run/docker/netns', '/var/run/docker/netns'];
/** The directories whose entries are `ip netns` names. */
const NAMED_DIRS = new Set(['/run/netns', '/var/run/netns']);

const PROC = '/proc';

/** The nsfs device: a file with this st_dev is a namespace file. */
function nsfsDevice(): number | null {
  try {
    return statSync('/proc/self/ns/net').dev;
  } catch {
    return null;
  }
}

function inodeOfLink(link: string): number | null {
  const match = /^net:\[(\d+)\]$/.exec(link);
  return match ? Number(match[1]) : null;
}

interface Found {
  inode: number;
  pids: number[];
  mounts: string[];
  names: string[];
}

function entry(map: Map<number, Found>, inode: number): Found {
  let found = map.get(inode);
  if (!found) {
    found = { inode, pids: [], mounts: [], names: [] };
    map.set(inode, found);
  }
  return found;
}

/** Processes per namespace inode; counts the ones whose namespace link the caller may not read. */
async function walkProc(map: Map<number, Found>): Promise<number> {
  let hidden = 0;
  let names: string[];
  try {
    names = await fs.readdir(PROC);
  } catch {
    return 0;
  }
  const pids = names.filter((n) => /^\d+$/.test(n)).map(Number);
  await Promise.all(pids.map(async (pid) => {
    try {
      const inode = inodeOfLink(await fs.readlink(`${PROC}/${pid}/ns/net`));
      if (inode !== null) entry(map, inode).pids.push(pid);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // EACCES/EPERM: another user's process (ptrace rules); ENOENT: it exited meanwhile;
      // kernel threads have no namespace link readable either way and are not counted.
      if (code === 'EACCES' || code === 'EPERM') hidden++;
    }
  }));
  return hidden;
}

/** Namespace files bind-mounted under the known directories. */
async function walkMounts(map: Map<number, Found>, dirs: readonly string[]): Promise<void> {
  const device = nsfsDevice();
  if (device === null) return;
  const seen = new Set<string>();
  for (const dir of dirs) {
    let real: string;
    try {
      real = await fs.realpath(dir);
    } catch {
      continue;
    }
    if (seen.has(real)) continue;
    seen.add(real);
    let files: string[];
    try {
      files = await fs.readdir(dir);
    } catch {
      continue;
    }
    for (const file of files.sort()) {
      const path = join(dir, file);
      try {
        const st = await fs.stat(path);
        // A file `ip netns add` left without its mount lives on tmpfs: not a namespace.
        if (st.dev !== device) continue;
        const found = entry(map, st.ino);
        found.mounts.push(path);
        if (NAMED_DIRS.has(dir) || NAMED_DIRS.has(real)) found.names.push(file);
      } catch {
        // removed while listing
      }
    }
  }
}

// Container ids in cgroup paths (v1 and v2, systemd and cgroupfs drivers):
//   podman     /machine.slice/libpod-<id>.scope[/container], /libpod_parent/libpod-<id>
//   docker     /system.slice/docker-<id>.scope, /docker/<id>
//   kubernetes /kubepods.slice/.../kubepods-<qos>-pod<uid>.slice/{cri-containerd,crio,docker}-<id>.scope,
//              /kubepods/<qos>/pod<uid>/<id>
const ID = '([0-9a-f]{64})';
const POD = /kubepods.*?[-/]pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})(?:\.slice)?(?:\/|$)/;
const PATTERNS: { runtime: ContainerInfo['runtime']; re: RegExp }[] = [
  { runtime: 'podman', re: new RegExp(`libpod-${ID}(?:\\.scope)?(?:/|$)`) },
  { runtime: 'containerd', re: new RegExp(`cri-containerd-${ID}\\.scope`) },
  { runtime: 'cri-o', re: new RegExp(`crio-${ID}\\.scope`) },
  { runtime: 'docker', re: new RegExp(`docker-${ID}\\.scope`) },
  { runtime: 'docker', re: new RegExp(`/docker/${ID}(?:/|$)`) },
];

/** The container a cgroup path names, or null. Exported for the tests. */
export function containerFromCgroup(path: string): ContainerInfo | null {
  if (path.includes('libpod-conmon-')) return null;
  const pod = POD.exec(path);
  for (const { runtime, re } of PATTERNS) {
    const match = re.exec(path);
    if (match) {
      const info: ContainerInfo = { id: match[1] as string, runtime };
      if (pod) info.pod = { uid: (pod[1] as string).replace(/_/g, '-') };
      return info;
    }
  }
  if (pod) {
    // cgroupfs driver: /kubepods/<qos>/pod<uid>/<id>; the runtime is not in the path.
    const id = new RegExp(`/pod[0-9a-f-]{36}/${ID}(?:/|$)`).exec(path);
    if (id) return { id: id[1] as string, runtime: 'cri', pod: { uid: (pod[1] as string).replace(/_/g, '-') } };
  }
  return null;
}

async function readText(path: string): Promise<string | null> {
  try {
    return await fs.readFile(path, 'utf8');
  } catch {
    return null;
  }
}

async function cgroupPaths(pid: number): Promise<string[]> {
  const text = await readText(`${PROC}/${pid}/cgroup`);
  if (text === null) return [];
  // "hierarchy:controllers:path"; the unified (v2) line first, then the v1 ones.
  const lines = text.split('\n').filter(Boolean).map((line) => line.split(':').slice(2).join(':'));
  return lines.sort((a, b) => Number(b.length > 0) - Number(a.length > 0));
}

async function containerOfPid(pid: number): Promise<ContainerInfo | null> {
  for (const path of await cgroupPaths(pid)) {
    const info = containerFromCgroup(path);
    if (info) return info;
  }
  return null;
}

/** Container names from containers/storage's list (podman), by id. */
async function readPodmanNames(): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const file of ['/var/lib/containers/storage/overlay-containers/containers.json',
    '/var/lib/containers/storage/vfs-containers/containers.json']) {
    const text = await readText(file);
    if (text === null) continue;
    try {
      for (const c of JSON.parse(text) as { id?: string; names?: string[] }[]) {
        if (c.id && c.names && c.names[0]) names.set(c.id, c.names[0]);
      }
    } catch {
      // a file being rewritten: no names this time
    }
  }
  return names;
}

/** Names that podman (containers/storage) and Docker keep on disk, read once per call. */
class RuntimeFiles {
  private podman: Promise<Map<string, string>> | null = null;

  async podmanName(id: string): Promise<string | undefined> {
    // One read per call, shared by the namespaces looked up at the same time.
    this.podman ??= readPodmanNames();
    return (await this.podman).get(id);
  }

  async dockerName(id: string): Promise<string | undefined> {
    const text = await readText(`/var/lib/docker/containers/${id}/config.v2.json`);
    if (text === null) return undefined;
    try {
      const name = (JSON.parse(text) as { Name?: string }).Name;
      return name ? name.replace(/^\//, '') : undefined;
    } catch {
      return undefined;
    }
  }

  /** Kubernetes names from the OCI bundle's annotations (containerd, CRI-O). */
  async kubernetes(info: ContainerInfo): Promise<void> {
    const bundles = [
      `/run/containerd/io.containerd.runtime.v2.task/k8s.io/${info.id}/config.json`,
      `/run/containers/storage/overlay-containers/${info.id}/userdata/config.json`,
      `/var/lib/containers/storage/overlay-containers/${info.id}/userdata/config.json`,
    ];
    for (const file of bundles) {
      const text = await readText(file);
      if (text === null) continue;
      let annotations: Record<string, string> = {};
      try {
        annotations = (JSON.parse(text) as { annotations?: Record<string, string> }).annotations ?? {};
      } catch {
        continue;
      }
      const pick = (...keys: string[]) => keys.map((k) => annotations[k]).find((v) => typeof v === 'string' && v !== '');
      const name = pick('io.kubernetes.cri.container-name', 'io.kubernetes.container.name');
      const podName = pick('io.kubernetes.cri.sandbox-name', 'io.kubernetes.pod.name');
      const podNamespace = pick('io.kubernetes.cri.sandbox-namespace', 'io.kubernetes.pod.namespace');
      if (name && name !== 'POD') info.name = name;
      if (info.pod) {
        if (podName) info.pod.name = podName;
        if (podNamespace) info.pod.namespace = podNamespace;
      }
      return;
    }
  }

  async name(info: ContainerInfo): Promise<void> {
    if (info.runtime === 'podman') {
      const name = await this.podmanName(info.id);
      if (name) info.name = name;
    } else if (info.runtime === 'docker' && !info.pod) {
      const name = await this.dockerName(info.id);
      if (name) info.name = name;
    }
    if (info.pod) await this.kubernetes(info);
  }
}

async function containerOf(pids: readonly number[], files: RuntimeFiles): Promise<ContainerInfo | null> {
  // The lowest pids first: the container's init (or a pod's sandbox) comes before what it started.
  for (const pid of [...pids].sort((a, b) => a - b).slice(0, 8)) {
    const info = await containerOfPid(pid);
    if (info) {
      await files.name(info);
      return info;
    }
  }
  return null;
}

/** The inode of the caller's own network namespace, or 0. */
export async function ownInode(): Promise<number> {
  try {
    return inodeOfLink(await fs.readlink('/proc/self/ns/net')) ?? 0;
  } catch {
    return 0;
  }
}

/**
 * Every network namespace the caller may see: each process's (from /proc/PID/ns/net) and
 * each bind-mounted one (`ip netns add`), de-duplicated by inode, the caller's own included.
 * `hidden` counts the processes whose namespace the caller may not read.
 */
export async function listNamespaces(dirs: readonly string[] = NETNS_DIRS): Promise<NamespaceList> {
  const map = new Map<number, Found>();
  const [hidden] = await Promise.all([walkProc(map), walkMounts(map, dirs)]);
  const own = await ownInode();
  const files = new RuntimeFiles();
  const list = await Promise.all([...map.values()].map(async (found): Promise<NetworkNamespace> => {
    const pids = found.pids.sort((a, b) => a - b);
    const pid = pids[0] ?? null;
    return {
      inode: found.inode,
      path: found.mounts[0] ?? `${PROC}/${pid}/ns/net`,
      names: found.names,
      processes: pids.length,
      pid,
      own: found.inode === own,
      container: await containerOf(pids, files),
    };
  }));
  list.sort((a, b) => Number(b.own) - Number(a.own) || a.inode - b.inode);
  return Object.defineProperty(list, 'hidden', { value: hidden, enumerable: false }) as NamespaceList;
}
