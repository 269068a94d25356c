print("sheetgate")
