// The ByteIO module: see DESIGN.md §1 for its place in the data flow.
