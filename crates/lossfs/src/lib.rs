//! Test support only: an in-memory FUSE file system that keeps what was not
//! fsynced apart and drops it when the power is cut, in the spirit of LazyFS.
//!
//! The model is the strict one POSIX allows:
//! - a file's bytes and size are durable as of its last `fsync`/`fdatasync`;
//! - a directory's entries (files created, renamed, removed in it) are
//!   durable as of its last `fsync`; before that a new file, a rename or an
//!   unlink is lost with the power;
//! - modes are kept (not part of what the tests check).
//!
//! [`Mount`] mounts one at a path (root only: it mounts through `/dev/fuse`
//! directly, no libfuse or `fusermount`). [`Mount::arm`] cuts the power
//! after a number of further mutating operations (write, truncate, create,
//! mkdir, rename, unlink, fsync): from then on every operation fails with
//! `EIO`, as a dead disk would. [`Mount::durable_image`] gives what
//! survives, and [`Mount::at`] mounts an image again, as after a reboot.
//!
//! Never part of a release build of `wangan`: only the power-loss tests
//! depend on it.

#![deny(missing_docs)]

use std::collections::{BTreeMap, HashMap};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use fuser::{
    Errno, FileAttr, FileHandle, FileType, Filesystem, FopenFlags, Generation, INodeNo, LockOwner,
    OpenFlags, RenameFlags, ReplyAttr, ReplyCreate, ReplyData, ReplyDirectory, ReplyEmpty,
    ReplyEntry, ReplyWrite, Request, WriteFlags,
};

const ROOT: u64 = 1;
const TTL: Duration = Duration::ZERO;

#[derive(Debug, Clone)]
enum Body {
    File {
        data: Vec<u8>,
        durable: Vec<u8>,
    },
    Dir {
        entries: BTreeMap<Vec<u8>, u64>,
        durable: BTreeMap<Vec<u8>, u64>,
    },
}

#[derive(Debug, Clone)]
struct Node {
    perm: u16,
    body: Body,
}

/// What survives a power cut: every node reachable from the root through
/// durable directory entries, with its durable bytes.
#[derive(Debug, Clone)]
pub struct Image {
    nodes: HashMap<u64, Node>,
    next_ino: u64,
}

impl Default for Image {
    fn default() -> Self {
        let mut nodes = HashMap::new();
        nodes.insert(
            ROOT,
            Node {
                perm: 0o755,
                body: Body::Dir {
                    entries: BTreeMap::new(),
                    durable: BTreeMap::new(),
                },
            },
        );
        Image {
            nodes,
            next_ino: ROOT + 1,
        }
    }
}

impl Image {
    /// Files in the image (path relative to the root, durable length).
    pub fn files(&self) -> Vec<(PathBuf, usize)> {
        let mut out = Vec::new();
        let mut stack = vec![(PathBuf::new(), ROOT)];
        while let Some((p, ino)) = stack.pop() {
            match self.nodes.get(&ino).map(|n| &n.body) {
                Some(Body::Dir { entries, .. }) => {
                    for (name, child) in entries {
                        let name = String::from_utf8_lossy(name).into_owned();
                        stack.push((p.join(name), *child));
                    }
                }
                Some(Body::File { data, .. }) => out.push((p, data.len())),
                None => {}
            }
        }
        out.sort();
        out
    }
}

/// Where a cut happened, and how busy the file system was.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Mutating operations so far.
    pub ops: u64,
    /// fsyncs of files and of directories.
    pub file_syncs: u64,
    /// fsyncs of directories.
    pub dir_syncs: u64,
    /// The operation the power was cut at (it did not happen), if it was.
    pub cut_at: Option<String>,
}

#[derive(Debug)]
struct State {
    image: Image,
    /// Cut the power when `stats.ops` (or the count of operations of kind
    /// `cut_kind`) reaches this.
    cut_at: Option<u64>,
    cut_kind: Option<&'static str>,
    kind_ops: u64,
    cut: bool,
    stats: Stats,
}

impl State {
    fn lock(s: &Mutex<State>) -> MutexGuard<'_, State> {
        s.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Any operation: fails once the power is cut.
    fn alive(&self) -> Result<(), Errno> {
        if self.cut { Err(Errno::EIO) } else { Ok(()) }
    }

    /// A mutating operation `what`: counted, and the power cut when it is due
    /// (the operation does not happen).
    fn mutate(&mut self, what: &str) -> Result<(), Errno> {
        self.alive()?;
        self.stats.ops += 1;
        let count = match self.cut_kind {
            Some(k) if k == what => {
                self.kind_ops += 1;
                self.kind_ops
            }
            Some(_) => 0,
            None => self.stats.ops,
        };
        if self.cut_at.is_some_and(|at| count >= at) {
            self.cut = true;
            self.stats.cut_at = Some(what.to_owned());
            return Err(Errno::EIO);
        }
        Ok(())
    }

    fn node(&self, ino: INodeNo) -> Result<&Node, Errno> {
        self.image.nodes.get(&ino.0).ok_or(Errno::ENOENT)
    }

    fn node_mut(&mut self, ino: INodeNo) -> Result<&mut Node, Errno> {
        self.image.nodes.get_mut(&ino.0).ok_or(Errno::ENOENT)
    }

    fn entries_mut(&mut self, ino: INodeNo) -> Result<&mut BTreeMap<Vec<u8>, u64>, Errno> {
        match &mut self.node_mut(ino)?.body {
            Body::Dir { entries, .. } => Ok(entries),
            Body::File { .. } => Err(Errno::ENOTDIR),
        }
    }

    fn child(&self, parent: INodeNo, name: &OsStr) -> Result<u64, Errno> {
        match &self.node(parent)?.body {
            Body::Dir { entries, .. } => entries
                .get(name.as_encoded_bytes())
                .copied()
                .ok_or(Errno::ENOENT),
            Body::File { .. } => Err(Errno::ENOTDIR),
        }
    }

    fn attr(&self, ino: u64) -> Result<FileAttr, Errno> {
        let n = self.image.nodes.get(&ino).ok_or(Errno::ENOENT)?;
        let (kind, size, nlink) = match &n.body {
            Body::File { data, .. } => (FileType::RegularFile, data.len() as u64, 1),
            Body::Dir { .. } => (FileType::Directory, 4096, 2),
        };
        Ok(FileAttr {
            ino: INodeNo(ino),
            size,
            blocks: size.div_ceil(512),
            atime: UNIX_EPOCH,
            mtime: UNIX_EPOCH,
            ctime: UNIX_EPOCH,
            crtime: UNIX_EPOCH,
            kind,
            perm: n.perm,
            nlink,
            uid: 0,
            gid: 0,
            rdev: 0,
            blksize: 4096,
            flags: 0,
        })
    }

    fn new_node(&mut self, parent: INodeNo, name: &OsStr, node: Node) -> Result<u64, Errno> {
        if self.child(parent, name).is_ok() {
            return Err(Errno::EEXIST);
        }
        let ino = self.image.next_ino;
        self.image.next_ino += 1;
        self.image.nodes.insert(ino, node);
        self.entries_mut(parent)?
            .insert(name.as_encoded_bytes().to_vec(), ino);
        Ok(ino)
    }

    /// What survives a power cut now.
    fn durable_image(&self) -> Image {
        let mut out = Image {
            nodes: HashMap::new(),
            next_ino: self.image.next_ino,
        };
        let mut stack = vec![ROOT];
        while let Some(ino) = stack.pop() {
            let Some(n) = self.image.nodes.get(&ino) else {
                continue;
            };
            if out.nodes.contains_key(&ino) {
                continue;
            }
            let body = match &n.body {
                Body::File { durable, .. } => Body::File {
                    data: durable.clone(),
                    durable: durable.clone(),
                },
                Body::Dir { durable, .. } => {
                    stack.extend(durable.values().copied());
                    Body::Dir {
                        entries: durable.clone(),
                        durable: durable.clone(),
                    }
                }
            };
            out.nodes.insert(ino, Node { perm: n.perm, body });
        }
        out
    }
}

/// The FUSE side: every request against the shared state.
struct LossFs(Arc<Mutex<State>>);

impl Filesystem for LossFs {
    fn lookup(&self, _req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEntry) {
        let st = State::lock(&self.0);
        let r = st
            .alive()
            .and_then(|()| st.child(parent, name))
            .and_then(|ino| st.attr(ino));
        match r {
            Ok(a) => reply.entry(&TTL, &a, Generation(0)),
            Err(e) => reply.error(e),
        }
    }

    fn getattr(&self, _req: &Request, ino: INodeNo, _fh: Option<FileHandle>, reply: ReplyAttr) {
        let st = State::lock(&self.0);
        let r = st.alive().and_then(|()| st.attr(ino.0));
        match r {
            Ok(a) => reply.attr(&TTL, &a),
            Err(e) => reply.error(e),
        }
    }

    fn setattr(
        &self,
        _req: &Request,
        ino: INodeNo,
        mode: Option<u32>,
        _uid: Option<u32>,
        _gid: Option<u32>,
        size: Option<u64>,
        _atime: Option<fuser::TimeOrNow>,
        _mtime: Option<fuser::TimeOrNow>,
        _ctime: Option<SystemTime>,
        _fh: Option<FileHandle>,
        _crtime: Option<SystemTime>,
        _chgtime: Option<SystemTime>,
        _bkuptime: Option<SystemTime>,
        _flags: Option<fuser::BsdFileFlags>,
        reply: ReplyAttr,
    ) {
        let mut st = State::lock(&self.0);
        let r = (|| {
            if let Some(size) = size {
                st.mutate("truncate")?;
                match &mut st.node_mut(ino)?.body {
                    Body::File { data, .. } => {
                        data.resize(usize::try_from(size).map_err(|_| Errno::EFBIG)?, 0)
                    }
                    Body::Dir { .. } => return Err(Errno::EISDIR),
                }
            } else {
                st.alive()?;
            }
            if let Some(mode) = mode {
                st.node_mut(ino)?.perm = (mode & 0o7777) as u16;
            }
            st.attr(ino.0)
        })();
        match r {
            Ok(a) => reply.attr(&TTL, &a),
            Err(e) => reply.error(e),
        }
    }

    fn mkdir(
        &self,
        _req: &Request,
        parent: INodeNo,
        name: &OsStr,
        mode: u32,
        umask: u32,
        reply: ReplyEntry,
    ) {
        let mut st = State::lock(&self.0);
        let r = st.mutate("mkdir").and_then(|()| {
            let ino = st.new_node(
                parent,
                name,
                Node {
                    perm: (mode & !umask & 0o7777) as u16,
                    body: Body::Dir {
                        entries: BTreeMap::new(),
                        durable: BTreeMap::new(),
                    },
                },
            )?;
            st.attr(ino)
        });
        match r {
            Ok(a) => reply.entry(&TTL, &a, Generation(0)),
            Err(e) => reply.error(e),
        }
    }

    fn create(
        &self,
        _req: &Request,
        parent: INodeNo,
        name: &OsStr,
        mode: u32,
        umask: u32,
        _flags: i32,
        reply: ReplyCreate,
    ) {
        let mut st = State::lock(&self.0);
        let r = st.mutate("create").and_then(|()| {
            let ino = st.new_node(
                parent,
                name,
                Node {
                    perm: (mode & !umask & 0o7777) as u16,
                    body: Body::File {
                        data: Vec::new(),
                        durable: Vec::new(),
                    },
                },
            )?;
            st.attr(ino)
        });
        match r {
            Ok(a) => reply.created(&TTL, &a, Generation(0), FileHandle(0), FopenFlags::empty()),
            Err(e) => reply.error(e),
        }
    }

    fn unlink(&self, _req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEmpty) {
        let mut st = State::lock(&self.0);
        let r = st.mutate("unlink").and_then(|()| {
            st.entries_mut(parent)?
                .remove(name.as_encoded_bytes())
                .map(|_| ())
                .ok_or(Errno::ENOENT)
        });
        match r {
            Ok(()) => reply.ok(),
            Err(e) => reply.error(e),
        }
    }

    fn rename(
        &self,
        _req: &Request,
        parent: INodeNo,
        name: &OsStr,
        newparent: INodeNo,
        newname: &OsStr,
        _flags: RenameFlags,
        reply: ReplyEmpty,
    ) {
        let mut st = State::lock(&self.0);
        let r = st.mutate("rename").and_then(|()| {
            let ino = st
                .entries_mut(parent)?
                .remove(name.as_encoded_bytes())
                .ok_or(Errno::ENOENT)?;
            st.entries_mut(newparent)?
                .insert(newname.as_encoded_bytes().to_vec(), ino);
            Ok(())
        });
        match r {
            Ok(()) => reply.ok(),
            Err(e) => reply.error(e),
        }
    }

    fn read(
        &self,
        _req: &Request,
        ino: INodeNo,
        _fh: FileHandle,
        offset: u64,
        size: u32,
        _flags: OpenFlags,
        _lock_owner: Option<LockOwner>,
        reply: ReplyData,
    ) {
        let st = State::lock(&self.0);
        let r = st.alive().and_then(|()| match &st.node(ino)?.body {
            Body::File { data, .. } => {
                let start = usize::try_from(offset)
                    .unwrap_or(usize::MAX)
                    .min(data.len());
                let end = start.saturating_add(size as usize).min(data.len());
                Ok(&data[start..end])
            }
            Body::Dir { .. } => Err(Errno::EISDIR),
        });
        match r {
            Ok(d) => reply.data(d),
            Err(e) => reply.error(e),
        }
    }

    fn write(
        &self,
        _req: &Request,
        ino: INodeNo,
        _fh: FileHandle,
        offset: u64,
        bytes: &[u8],
        _write_flags: WriteFlags,
        _flags: OpenFlags,
        _lock_owner: Option<LockOwner>,
        reply: ReplyWrite,
    ) {
        let mut st = State::lock(&self.0);
        let r = st
            .mutate("write")
            .and_then(|()| match &mut st.node_mut(ino)?.body {
                Body::File { data, .. } => {
                    let start = usize::try_from(offset).map_err(|_| Errno::EFBIG)?;
                    let end = start + bytes.len();
                    if data.len() < end {
                        data.resize(end, 0);
                    }
                    data[start..end].copy_from_slice(bytes);
                    Ok(bytes.len() as u32)
                }
                Body::Dir { .. } => Err(Errno::EISDIR),
            });
        match r {
            Ok(n) => reply.written(n),
            Err(e) => reply.error(e),
        }
    }

    fn flush(
        &self,
        _req: &Request,
        _ino: INodeNo,
        _fh: FileHandle,
        _lock_owner: LockOwner,
        reply: ReplyEmpty,
    ) {
        let st = State::lock(&self.0);
        match st.alive() {
            Ok(()) => reply.ok(),
            Err(e) => reply.error(e),
        }
    }

    fn fsync(
        &self,
        _req: &Request,
        ino: INodeNo,
        _fh: FileHandle,
        _datasync: bool,
        reply: ReplyEmpty,
    ) {
        let mut st = State::lock(&self.0);
        let r = st.mutate("fsync").and_then(|()| {
            st.stats.file_syncs += 1;
            match &mut st.node_mut(ino)?.body {
                Body::File { data, durable } => durable.clone_from(data),
                Body::Dir { entries, durable } => durable.clone_from(entries),
            }
            Ok(())
        });
        match r {
            Ok(()) => reply.ok(),
            Err(e) => reply.error(e),
        }
    }

    fn readdir(
        &self,
        _req: &Request,
        ino: INodeNo,
        _fh: FileHandle,
        offset: u64,
        mut reply: ReplyDirectory,
    ) {
        let st = State::lock(&self.0);
        let r = st.alive().and_then(|()| match &st.node(ino)?.body {
            Body::Dir { entries, .. } => {
                let mut list = vec![
                    (ino.0, FileType::Directory, b".".to_vec()),
                    (ROOT, FileType::Directory, b"..".to_vec()),
                ];
                for (name, child) in entries {
                    let kind = match st.image.nodes.get(child).map(|n| &n.body) {
                        Some(Body::Dir { .. }) => FileType::Directory,
                        _ => FileType::RegularFile,
                    };
                    list.push((*child, kind, name.clone()));
                }
                Ok(list)
            }
            Body::File { .. } => Err(Errno::ENOTDIR),
        });
        match r {
            Ok(list) => {
                for (i, (child, kind, name)) in list.into_iter().enumerate().skip(offset as usize) {
                    let name = OsStr::from_bytes(&name);
                    if reply.add(INodeNo(child), (i + 1) as u64, kind, name) {
                        break;
                    }
                }
                reply.ok();
            }
            Err(e) => reply.error(e),
        }
    }

    fn fsyncdir(
        &self,
        _req: &Request,
        ino: INodeNo,
        _fh: FileHandle,
        _datasync: bool,
        reply: ReplyEmpty,
    ) {
        let mut st = State::lock(&self.0);
        let r = st.mutate("fsyncdir").and_then(|()| {
            st.stats.dir_syncs += 1;
            match &mut st.node_mut(ino)?.body {
                Body::Dir { entries, durable } => durable.clone_from(entries),
                Body::File { .. } => return Err(Errno::ENOTDIR),
            }
            Ok(())
        });
        match r {
            Ok(()) => reply.ok(),
            Err(e) => reply.error(e),
        }
    }
}

/// A mounted file system that loses what was not fsynced on a power cut.
pub struct Mount {
    state: Arc<Mutex<State>>,
    session: Option<fuser::BackgroundSession>,
    path: PathBuf,
}

impl std::fmt::Debug for Mount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mount")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Mount {
    /// Mount `image` (an empty file system: `Image::default()`) at `path`
    /// (an existing empty directory). Needs root and `/dev/fuse`.
    pub fn at(image: Image, path: &Path) -> std::io::Result<Mount> {
        let state = Arc::new(Mutex::new(State {
            image,
            cut_at: None,
            cut_kind: None,
            kind_ops: 0,
            cut: false,
            stats: Stats::default(),
        }));
        let mut cfg = fuser::Config::default();
        cfg.mount_options = vec![fuser::MountOption::FSName("lossfs".into())];
        let session = fuser::spawn_mount(LossFs(state.clone()), path, &cfg).map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!(
                    "mount lossfs at {}: {e} (needs root and /dev/fuse)",
                    path.display()
                ),
            )
        })?;
        Ok(Mount {
            state,
            session: Some(session),
            path: path.to_path_buf(),
        })
    }

    /// Where it is mounted.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Cut the power at the `n`th further mutating operation (that
    /// operation does not happen).
    pub fn arm(&self, n: u64) {
        let mut st = State::lock(&self.state);
        st.cut_kind = None;
        st.cut_at = Some(st.stats.ops + n.max(1));
    }

    /// Cut the power at the `n`th further operation of one kind: `"write"`,
    /// `"truncate"`, `"create"`, `"mkdir"`, `"rename"`, `"unlink"`,
    /// `"fsync"` or `"fsyncdir"`.
    pub fn arm_on(&self, kind: &'static str, n: u64) {
        let mut st = State::lock(&self.state);
        st.cut_kind = Some(kind);
        st.kind_ops = 0;
        st.cut_at = Some(n.max(1));
    }

    /// Cut the power now.
    pub fn cut(&self) {
        let mut st = State::lock(&self.state);
        if !st.cut {
            st.cut = true;
            st.stats.cut_at = Some("cut by hand".into());
        }
    }

    /// Whether the power is cut.
    pub fn is_cut(&self) -> bool {
        State::lock(&self.state).cut
    }

    /// Operation counts, and where the power was cut.
    pub fn stats(&self) -> Stats {
        State::lock(&self.state).stats.clone()
    }

    /// What would survive a power cut now.
    pub fn durable_image(&self) -> Image {
        State::lock(&self.state).durable_image()
    }

    /// Everything as it is now, synced or not (a clean shutdown).
    pub fn image(&self) -> Image {
        State::lock(&self.state).image.clone()
    }

    /// Unmount (open files must be closed first).
    pub fn unmount(mut self) -> std::io::Result<()> {
        match self.session.take() {
            Some(s) => s.umount_and_join(),
            None => Ok(()),
        }
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        if let Some(s) = self.session.take() {
            let _ = s.umount_and_join();
        }
    }
}
