"""The HTML report: one self-contained page that explains a run, a comparison or a trial."""
