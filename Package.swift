// swift-tools-version: 6.1
import PackageDescription

// sheetgate: the data flow is the module list (ARCHITECTURE.md).
// bytes → container (ZIP) → events (XMLStream) / CSV → rows (Tabular) → typed records (Schema,
// Validation) → diagnostics → reports and workbooks.

// Swift 6 language mode (complete concurrency checking) where it compiles without weakening anything.
let v6: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
  name: "sheetgate",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "sheetgate", targets: ["sheetgate"]),
    .executable(name: "SheetBench", targets: ["SheetBench"]),
    // Libraries for other Swift packages (Examples/LedgerCheck uses all three).
    // Reading: open any spreadsheet by its bytes (Intake), walk its sheets and tables, stream rows.
    .library(name: "SheetgateReading", targets: ["Intake", "XLSXReader", "XLSReader", "CSV", "Tabular"]),
    // Writing: the streaming XLSX writer.
    .library(name: "SheetgateWriting", targets: ["XLSXWriter"]),
    // Schemas and validation: Table Schema loading, the validator, the jobs and the reports.
    .library(name: "SheetgateValidation", targets: ["Schema", "Validation", "Diagnostics", "Reports", "Pipeline"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    // `swift package generate-documentation --target Intake` (DocC).
    .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    // Property tests only (Tests/PropertyTests): random write → read round trips.
    .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    // `sheetgate serve`: the HTTP server (Hummingbird 2) and the admin password's KDF (scrypt, _CryptoExtras).
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
  ],
  targets: [
    // System libraries (Debian: zlib1g-dev, libexpat1-dev, libisal-dev).
    .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
    .systemLibrary(name: "CExpat", path: "Sources/CExpat", providers: [.apt(["libexpat1-dev"])]),
    // Intel ISA-L's deflate, the writer's fast level (Debian: libisal-dev).
    .systemLibrary(name: "CIsal", path: "Sources/CIsal", providers: [.apt(["libisal-dev"])]),
    // PCRE2 with its JIT: Table Schema `pattern` constraints (Debian: libpcre2-dev).
    .systemLibrary(name: "CPCRE2", path: "Sources/CPCRE2", providers: [.apt(["libpcre2-dev"])]),
    // __builtin_prefetch for the unique-key sets (header only; DESIGN-NOTES: Validation speed).
    .systemLibrary(name: "CPrefetch", path: "Sources/CPrefetch"),

    // Threads, the one lock style, channels, ordered workers (DESIGN-NOTES.md, "One concurrency kit").
    .target(name: "ThreadKit", swiftSettings: v6),
    .target(name: "ByteIO", swiftSettings: v6),
    .target(name: "Tabular", swiftSettings: v6),
    .target(name: "ZIP", dependencies: ["ByteIO", "CZlib", "CIsal"], swiftSettings: v6),
    .target(name: "XMLStream", dependencies: ["CExpat"], swiftSettings: v6),
    .target(name: "CSV", dependencies: ["ByteIO", "Tabular"], swiftSettings: v6),
    // MIME over bytes: messages in, attachments classified, replies out (DESIGN-NOTES: Mail).
    .target(name: "Mail", dependencies: ["ByteIO", "ZIP", "CSV", "Tabular"], swiftSettings: v6),
    .target(name: "XLSXReader", dependencies: ["ZIP", "XMLStream", "Tabular", "ByteIO", "ThreadKit"], swiftSettings: v6),
    .target(name: "XLSXWriter", dependencies: ["ZIP", "XMLStream", "Tabular", "ByteIO", "ThreadKit"], swiftSettings: v6),
    // Legacy Excel 97–2003: the Compound File container, then BIFF8/BIFF5 records → rows (DESIGN-NOTES: Reading .xls).
    .target(name: "CFB", dependencies: ["ByteIO"], swiftSettings: v6),
    .target(name: "XLSReader", dependencies: ["CFB", "ByteIO", "Tabular"], swiftSettings: v6),
    .target(name: "Diagnostics", dependencies: ["Tabular"], swiftSettings: v6),
    .target(name: "Schema", dependencies: ["Tabular", "Diagnostics", "CPCRE2", "Yams"], swiftSettings: v6),
    // Recognition is self-contained for now (plain LedgerLabels input); a Schema adapter comes later.
    .target(name: "Recognition", dependencies: ["Tabular"], swiftSettings: v6),
    .target(name: "Validation", dependencies: ["ByteIO", "Tabular", "Schema", "Diagnostics", "CPrefetch"], swiftSettings: v6),
    .target(name: "Reports", dependencies: ["Diagnostics", "Validation", "XLSXWriter", "Tabular", "ByteIO"], swiftSettings: v6),
    .target(name: "Merge", dependencies: ["Schema"], swiftSettings: v6),
    .target(name: "Store", dependencies: ["Merge", .product(name: "GRDB", package: "GRDB.swift"),
                                         .product(name: "GRDBSQLite", package: "GRDB.swift"),
                                         .product(name: "Crypto", package: "swift-crypto")], swiftSettings: v6),
    // The one way in: sniff → open → walk sheets → recognise → hand each table on.
    .target(
      name: "Intake",
      dependencies: ["CSV", "XLSXReader", "XLSReader", "XMLStream", "ZIP", "Tabular", "Diagnostics", "Schema", "Recognition"],
      swiftSettings: v6),
    .target(
      name: "Pipeline",
      dependencies: ["ByteIO", "Intake", "Tabular", "CSV", "XLSXReader", "XLSReader", "XLSXWriter",
                     "Diagnostics", "Schema", "Recognition", "Validation", "Reports", "Merge", "Store", "ThreadKit"],
      swiftSettings: v6),
    // The unattended run: mailbox in, replies and consolidated workbooks out (DESIGN-NOTES: The cron run).
    .target(
      name: "Batch",
      dependencies: ["ByteIO", "Pipeline", "Intake", "Mail", "Merge", "Reports", "Schema", "Store", "Tabular", "Diagnostics", "ThreadKit", "Yams"],
      swiftSettings: v6),
    // The submission portal: agencies upload through private links, the bureau watches the matrix (DESIGN-NOTES: The portal).
    .target(
      name: "Portal",
      dependencies: ["Batch", "Pipeline", "Merge", "Reports", "Schema", "Store", "Diagnostics", "ThreadKit", "XLSXWriter",
                     .product(name: "Hummingbird", package: "hummingbird"),
                     .product(name: "HTTPTypes", package: "swift-http-types"),
                     .product(name: "_CryptoExtras", package: "swift-crypto"),
                     .product(name: "Crypto", package: "swift-crypto")],
      swiftSettings: v6),
    .executableTarget(
      name: "sheetgate",
      dependencies: ["Batch", "Pipeline", "Intake", "Diagnostics", "Schema", "Validation", "Merge", "Store", "Portal",
                     .product(name: "ArgumentParser", package: "swift-argument-parser")],
      swiftSettings: v6),
    // The parsers as fuzz targets (scripts/fuzz.sh builds SheetFuzz with libFuzzer; FuzzTests replays findings).
    .target(name: "FuzzTargets", dependencies: ["ByteIO", "CSV", "Intake", "Mail", "Schema", "Tabular", "XLSReader", "XMLStream", "ZIP"],
            swiftSettings: v6),
    .executableTarget(name: "SheetFuzz", dependencies: ["FuzzTargets"], swiftSettings: v6),
    .executableTarget(
      name: "SheetBench",
      dependencies: ["Pipeline", "Intake", "Tabular", "CSV", "XLSXReader", "XLSReader", "XLSXWriter", "Schema", "Store"],
      swiftSettings: v6),
    .target(name: "TestSupport", dependencies: ["Tabular", "ThreadKit"], path: "Sources/TestSupport", swiftSettings: v6),

    .testTarget(name: "ThreadKitTests", dependencies: ["ThreadKit"], swiftSettings: v6),
    .testTarget(name: "ByteIOTests", dependencies: ["ByteIO"], swiftSettings: v6),
    .testTarget(name: "TabularTests", dependencies: ["Tabular"], swiftSettings: v6),
    .testTarget(name: "ZIPTests", dependencies: ["ZIP", "ByteIO", "TestSupport"], exclude: ["Fixtures"], swiftSettings: v6),
    .testTarget(name: "XMLStreamTests", dependencies: ["XMLStream", "TestSupport"], swiftSettings: v6),
    .testTarget(name: "CSVTests", dependencies: ["CSV", "Tabular", "TestSupport"], swiftSettings: v6),
    .testTarget(name: "XLSXReaderTests", dependencies: ["XLSXReader", "ZIP", "XMLStream", "ByteIO", "Tabular", "TestSupport", "ThreadKit"], swiftSettings: v6),
    .testTarget(name: "XLSReaderTests", dependencies: ["XLSReader", "CFB", "ByteIO", "Tabular"], swiftSettings: v6),
    .testTarget(name: "XLSXWriterTests", dependencies: ["XLSXWriter", "XMLStream", "Tabular", "TestSupport"], swiftSettings: v6),
    .testTarget(name: "DiagnosticsTests", dependencies: ["Diagnostics", "Tabular"], swiftSettings: v6),
    .testTarget(name: "SchemaTests", dependencies: ["Schema", "Diagnostics", "Tabular"], swiftSettings: v6),
    .testTarget(name: "RecognitionTests", dependencies: ["Recognition", "Intake", "Schema", "Tabular", "CSV", "TestSupport"], swiftSettings: v6),
    .testTarget(name: "ValidationTests", dependencies: ["ByteIO", "Validation", "Reports", "Schema", "Diagnostics", "Tabular"], swiftSettings: v6),
    .testTarget(name: "ReportsTests", dependencies: ["Reports", "Validation", "Diagnostics", "Tabular", "TestSupport"], swiftSettings: v6),
    .testTarget(name: "MergeTests", dependencies: ["Merge", "Store", "Pipeline", "Intake", "Tabular", "XLSXReader", "TestSupport"], swiftSettings: v6),
    .testTarget(name: "StoreTests", dependencies: ["Store", "Merge", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")],
                swiftSettings: v6),
    .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Validation", "Diagnostics", "Schema", "Tabular", "TestSupport"], swiftSettings: v6),
    .testTarget(name: "MailTests", dependencies: ["Mail", "Tabular", "TestSupport", "ThreadKit"], exclude: ["Fixtures"], swiftSettings: v6),
    .testTarget(name: "BatchTests", dependencies: ["Batch", "Mail", "Store", "Tabular", "TestSupport"], exclude: ["Fixtures"], swiftSettings: v6),
    .testTarget(name: "FuzzTests", dependencies: ["FuzzTargets"], exclude: ["Fixtures"], swiftSettings: v6),
    .testTarget(name: "PortalTests", dependencies: ["Portal", "Batch", "Store", "TestSupport", "XLSXReader",
                                                   .product(name: "Hummingbird", package: "hummingbird"),
                                                   .product(name: "HTTPTypes", package: "swift-http-types"),
                                                   .product(name: "HummingbirdTesting", package: "hummingbird")],
                exclude: ["Fixtures"], swiftSettings: v6),
    .testTarget(name: "CLITests", dependencies: ["TestSupport"], swiftSettings: v6),
    .testTarget(name: "PropertyTests",
                dependencies: ["CSV", "Tabular", "XLSXReader", "XLSXWriter",
                               .product(name: "PropertyBased", package: "swift-property-based")],
                swiftSettings: v6),
  ]
)
