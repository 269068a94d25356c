// swift-tools-version: 6.1
import PackageDescription

// sheetgate: the data flow is the module list (DESIGN.md §1).
// bytes → container (ZIP) → events (XMLStream) / CSV → rows (Tabular) → typed records (Schema,
// Validation) → diagnostics → reports and workbooks.

let v5: [SwiftSetting] = [.swiftLanguageMode(.v5)]

let package = Package(
  name: "sheetgate",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "sheetgate", targets: ["sheetgate"]),
    .executable(name: "SheetBench", targets: ["SheetBench"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
  ],
  targets: [
    // System libraries (Debian: zlib1g-dev, libexpat1-dev, libisal-dev).
    .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
    .systemLibrary(name: "CExpat", path: "Sources/CExpat", providers: [.apt(["libexpat1-dev"])]),
    // Intel ISA-L's deflate, the writer's fast level (Debian: libisal-dev).
    .systemLibrary(name: "CIsal", path: "Sources/CIsal", providers: [.apt(["libisal-dev"])]),

    .target(name: "ByteIO", swiftSettings: v5),
    .target(name: "Tabular", swiftSettings: v5),
    .target(name: "ZIP", dependencies: ["ByteIO", "CZlib", "CIsal"], swiftSettings: v5),
    .target(name: "XMLStream", dependencies: ["ByteIO", "CExpat"], swiftSettings: v5),
    .target(name: "CSV", dependencies: ["ByteIO", "Tabular"], swiftSettings: v5),
    .target(name: "XLSXReader", dependencies: ["ZIP", "XMLStream", "Tabular", "ByteIO"], swiftSettings: v5),
    .target(name: "XLSXWriter", dependencies: ["ZIP", "XMLStream", "Tabular", "ByteIO"], swiftSettings: [.swiftLanguageMode(.v6)]),
    .target(name: "Diagnostics", dependencies: ["Tabular"], swiftSettings: v5),
    .target(name: "Schema", dependencies: ["Tabular", "Diagnostics", "Yams"], swiftSettings: v5),
    // Recognition is self-contained for now (plain LedgerLabels input); a Schema adapter comes later.
    .target(name: "Recognition", dependencies: ["Tabular"], swiftSettings: v5),
    .target(name: "Validation", dependencies: ["ByteIO", "Tabular", "Schema", "Diagnostics"], swiftSettings: v5),
    .target(name: "Reports", dependencies: ["Diagnostics", "Validation", "XLSXWriter", "Tabular", "ByteIO"], swiftSettings: v5),
    .target(name: "Merge", dependencies: ["Tabular", "Schema", "Diagnostics"], swiftSettings: v5),
    .target(name: "Store", dependencies: ["Merge", "Tabular", .product(name: "GRDB", package: "GRDB.swift")], swiftSettings: v5),
    .target(
      name: "Pipeline",
      dependencies: ["ByteIO", "ZIP", "XMLStream", "Tabular", "CSV", "XLSXReader", "XLSXWriter",
                     "Diagnostics", "Schema", "Recognition", "Validation", "Reports", "Merge", "Store"],
      swiftSettings: v5),
    .executableTarget(
      name: "sheetgate",
      dependencies: ["Pipeline", .product(name: "ArgumentParser", package: "swift-argument-parser")],
      swiftSettings: v5),
    .executableTarget(
      name: "SheetBench",
      dependencies: ["Pipeline", "ByteIO", "ZIP", "XMLStream", "Tabular", "CSV", "XLSXReader", "XLSXWriter",
                     "Diagnostics", "Schema", "Recognition", "Validation", "Store"],
      swiftSettings: v5),
    .target(name: "TestSupport", dependencies: ["ByteIO", "Tabular"], path: "Sources/TestSupport", swiftSettings: v5),

    .testTarget(name: "TabularTests", dependencies: ["Tabular"], swiftSettings: v5),
    .testTarget(name: "ZIPTests", dependencies: ["ZIP", "ByteIO", "TestSupport"], exclude: ["Fixtures"], swiftSettings: v5),
    .testTarget(name: "XMLStreamTests", dependencies: ["XMLStream", "TestSupport"], swiftSettings: v5),
    .testTarget(name: "CSVTests", dependencies: ["CSV", "Tabular", "TestSupport"], swiftSettings: v5),
    .testTarget(name: "XLSXReaderTests", dependencies: ["XLSXReader", "ZIP", "ByteIO", "Tabular", "TestSupport"], swiftSettings: v5),
    .testTarget(name: "XLSXWriterTests", dependencies: ["XLSXWriter", "XLSXReader", "ZIP", "Tabular", "TestSupport"], swiftSettings: v5),
    .testTarget(name: "SchemaTests", dependencies: ["Schema", "Diagnostics", "Tabular"], swiftSettings: v5),
    .testTarget(name: "ValidationTests", dependencies: ["ByteIO", "Validation", "Recognition", "Schema", "Diagnostics", "Tabular", "CSV", "TestSupport"], swiftSettings: v5),
    .testTarget(name: "ReportsTests", dependencies: ["Reports", "Validation", "Diagnostics", "XLSXWriter", "Tabular", "TestSupport"], swiftSettings: v5),
    .testTarget(name: "MergeTests", dependencies: ["Merge", "Store", "Pipeline", "Schema", "Tabular", "XLSXReader", "TestSupport",
                                                  .product(name: "GRDB", package: "GRDB.swift")], swiftSettings: v5),
    .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Validation", "Diagnostics", "Schema", "TestSupport"], swiftSettings: v5),
    .testTarget(name: "CLITests", dependencies: ["TestSupport"], swiftSettings: v5),
  ]
)
