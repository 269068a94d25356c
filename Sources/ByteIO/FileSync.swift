#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `fsync` by path, for steps that make a crash-safe sequence out of files written elsewhere: a file's
/// data before it is renamed into place, a folder after a rename in it. Both are best effort — a failed
/// sync only weakens durability after a crash, so it is not an error — and do nothing for a path that
/// does not exist.
public enum FileSync {
  /// Syncs one file's data.
  public static func file(_ path: String) {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return }
    _ = fsync(fd)
    close(fd)
  }

  /// Syncs a folder, so that a rename or a new entry in it survives a crash.
  public static func folder(_ path: String) {
    let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { return }
    _ = fsync(fd)
    close(fd)
  }
}
