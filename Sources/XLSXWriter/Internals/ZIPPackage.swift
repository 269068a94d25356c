import ByteIO
import ZIP

/// The package as a ZIP archive (``ZIPWriter``) written through an ``AtomicFileWriter``: bytes go to a
/// temporary file beside the destination, which `commit()` fsyncs and renames into place; `abort()`, or
/// releasing the package uncommitted, removes the temporary file. Or, for a workbook wanted as bytes
/// (a reply's attachment), into a ``MemorySink``: nothing touches the disk.
///
/// Memory: the ZIP writer's deflate state and buffers and the file buffer (together well under 1 MiB);
/// in memory, the whole archive as well.
final class ZIPPackage: PackageSink, @unchecked Sendable {  // @unchecked: used from one thread at a time (the workbook's, or the thread ThreadedPackage hands it to once)
  private let file: AtomicFileWriter?
  private let destination: String
  private let zip: ZIPWriter
  private let method: ZIPWriter.Method
  private let modified: ZIPWriter.Timestamp
  private var entry = ""

  init(path: String, level: Int32, modified m: DateTimeParts) throws {
    let f: AtomicFileWriter
    do { f = try AtomicFileWriter(path: path) } catch {
      throw XLSXWriteError(.io, error.description, location: .init(file: path))
    }
    file = f
    destination = path
    zip = ZIPWriter(sink: f)
    method = level <= 0 ? .stored : .deflate(level: min(9, level))
    modified = (m.year, m.month, m.day, m.hour, m.minute, m.second)
  }

  /// A package written into `memory`; `name` stands for the workbook in errors.
  init(memory: MemorySink, name: String, level: Int32, modified m: DateTimeParts) {
    file = nil
    destination = name
    zip = ZIPWriter(sink: memory)
    method = level <= 0 ? .stored : .deflate(level: min(9, level))
    modified = (m.year, m.month, m.day, m.hour, m.minute, m.second)
  }

  func beginEntry(_ name: String, large: Bool) throws {
    entry = name
    do { try zip.beginEntry(name: name, method: method, modified: modified, large: large) } catch { throw wrap(error) }
  }

  func write(_ bytes: UnsafeRawBufferPointer) throws {
    do { try zip.write(bytes) } catch { throw wrap(error) }
  }

  func endEntry() throws {
    do { try zip.endEntry() } catch { throw wrap(error) }
  }

  func commit() throws {
    do { try zip.finish() } catch { throw wrap(error) }
    do { try file?.commit() } catch {
      throw XLSXWriteError(.io, error.description, location: .init(file: destination))
    }
  }

  func abort() { file?.abort() }

  private func wrap(_ e: ZIPError) -> XLSXWriteError {
    XLSXWriteError(.io, "\(e)", location: .init(file: destination, entry: entry))
  }
}
