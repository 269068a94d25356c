/// Whether a sheet is shown (`.xlsx`: `sheet/@state`, ECMA-376 Part 1 §18.18.68; `.xls`: BOUNDSHEET `hsState`).
public enum SheetVisibility: String, Sendable {
  /// `visible` (the default; BIFF `hsState` 0).
  case visible = "Visible"
  /// `hidden` (BIFF 1): the user can unhide it.
  case hidden = "Hidden"
  /// `veryHidden` (BIFF 2): only code can unhide it.
  case veryHidden = "VeryHidden"
}
