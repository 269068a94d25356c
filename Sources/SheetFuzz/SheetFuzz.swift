import FuzzTargets

#if canImport(Glibc)
import Glibc
#endif

// Built two ways:
// - by `swift build` (and CI): `SheetFuzz TARGET FILE…` replays inputs through one target and says
//   which one it is on, so a crash names its input;
// - by `scripts/fuzz.sh` with `-sanitize=fuzzer,address -DFUZZING`: libFuzzer's driver, the target named
//   by SHEETFUZZ_TARGET. SwiftPM links every executable's entry point as `main`, so libFuzzer's own
//   `main` is not used: this one hands control to `LLVMFuzzerRunDriver`.

#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
  _ argc: UnsafeMutablePointer<CInt>,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
  _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

nonisolated(unsafe) var fuzzTarget = ""
#endif

/// Writes to standard error (fd 2) without touching C's shared `stderr` stream.
func say(_ text: String) {
  var bytes = Array(text.utf8)
  _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
}

@main
struct SheetFuzz {
  static func main() {
    #if FUZZING
    fuzzTarget = getenv("SHEETFUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard FuzzTargets.names.contains(fuzzTarget) else {
      say("SheetFuzz: set SHEETFUZZ_TARGET to one of \(FuzzTargets.names.joined(separator: ", "))\n")
      exit(2)
    }
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
      FuzzTargets.run(fuzzTarget, UnsafeRawBufferPointer(start: data, count: size))
      return 0
    })
    #else
    let args = Array(CommandLine.arguments.dropFirst())
    guard let target = args.first, FuzzTargets.names.contains(target) else {
      say("usage: SheetFuzz TARGET FILE…   (targets: \(FuzzTargets.names.joined(separator: ", ")))\n")
      exit(2)
    }
    for path in args.dropFirst() {
      say("\(target): \(path)\n")
      guard let f = fopen(path, "rb") else { say("cannot open \(path)\n"); exit(2) }
      var bytes: [UInt8] = []
      var chunk = [UInt8](repeating: 0, count: 1 << 16)
      while true {
        let n = fread(&chunk, 1, chunk.count, f)
        if n <= 0 { break }
        bytes.append(contentsOf: chunk[0..<n])
      }
      fclose(f)
      bytes.withUnsafeBytes { _ = FuzzTargets.run(target, $0) }
    }
    #endif
  }
}
