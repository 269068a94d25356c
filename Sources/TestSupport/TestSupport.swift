// The TestSupport module: see ARCHITECTURE.md for its place in the data flow.
