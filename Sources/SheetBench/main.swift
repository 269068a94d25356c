print("SheetBench")
