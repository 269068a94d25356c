// swift-tools-version: 6.1
import PackageDescription

// An example of sheetgate used as a library: it depends on the sheetgate package (here by path;
// from elsewhere by URL and version, e.g.
// .package(url: "https://github.com/<owner>/sheetgate", from: "0.11.0")) and its three products.
let package = Package(
  name: "LedgerCheck",
  platforms: [.macOS(.v13)],
  dependencies: [
    .package(name: "sheetgate", path: "../.."),
  ],
  targets: [
    .executableTarget(
      name: "LedgerCheck",
      dependencies: [
        .product(name: "SheetgateReading", package: "sheetgate"),
        .product(name: "SheetgateValidation", package: "sheetgate"),
        .product(name: "SheetgateWriting", package: "sheetgate"),
      ]),
  ]
)
