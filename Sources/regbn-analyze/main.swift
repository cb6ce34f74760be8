print("regbn-analyze")
