// swift-tools-version: 6.1
// A stand-alone package (not part of the root build) that times CSVRowReader on a file:
//   cd Benchmarks/CSVRead && swift build -c release && /usr/bin/time -v .build/release/csvread FILE [ENCODING]
// Sources/CSV and Sources/Tabular are symlinks to the repository's own targets.
import PackageDescription
let v5: [SwiftSetting] = [.swiftLanguageMode(.v5)]
let package = Package(name: "CSVRead", targets: [
  .target(name: "Tabular", swiftSettings: v5),
  .target(name: "CSV", dependencies: ["Tabular"], swiftSettings: v5),
  .executableTarget(name: "csvread", dependencies: ["CSV", "Tabular"], swiftSettings: v5),
])
