// The Store module: see DESIGN.md §7 for its place in the data flow.
