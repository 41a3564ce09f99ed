/**
 * Filesystem magic numbers (statfs f_type, from Linux's magic.h) that layerlab cares about. LMDB
 * relies on mmap coherence and POSIX locks that network filesystems do not give (its docs: "do not
 * use LMDB databases on remote filesystems"), so stores are refused there.
 */
const KNOWN: Record<number, { name: string; network: boolean }> = {
  0xef53: { name: 'ext4', network: false },
  0x58465342: { name: 'xfs', network: false },
  0x9123683e: { name: 'btrfs', network: false },
  0x01021994: { name: 'tmpfs', network: false },
  0x794c7630: { name: 'overlayfs', network: false },
  0x2fc12fc1: { name: 'zfs', network: false },
  0x4d44: { name: 'vfat', network: false },
  0x65735546: { name: 'fuse', network: false },
  0x6969: { name: 'nfs', network: true },
  0x517b: { name: 'smb', network: true },
  0xff534d42: { name: 'cifs', network: true },
  0xfe534d42: { name: 'smb2', network: true },
  0x00c36400: { name: 'ceph', network: true },
  0x5346414f: { name: 'afs', network: true },
  0x0bd00bd0: { name: 'lustre', network: true },
  0x47504653: { name: 'gpfs', network: true },
  0x01021997: { name: '9p', network: true },
};

export interface FilesystemKind {
  name: string;
  network: boolean;
}

export function filesystemKind(magic: number): FilesystemKind {
  return KNOWN[magic >>> 0] ?? { name: `0x${(magic >>> 0).toString(16)}`, network: false };
}
