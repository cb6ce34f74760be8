"""The figures and the HTML page of plot_report.py, one module each (tables, style, one per figure, webpage)."""
